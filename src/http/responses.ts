import { z } from 'zod'
import { ChangeEvent, Confidence, IsoDate, JurisdictionCode, Level, Measure, SourceRef, Status, SubjectId, Trust } from '../domain/index.js'

/**
 * zod schemas of what the public read routes answer, used for the OpenAPI document and checked
 * against real responses in tests (tests/web/openapi.test.ts), so the documentation cannot drift.
 * Strict objects: a field added to a response without documenting it fails those tests.
 */

/** RFC 9457 problem details, as src/http/problem.ts writes them. */
export const Problem = z
  .object({
    type: z.string().describe('URI naming the problem, ending in the error code (e.g. .../problems/not-found)'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('the request path'),
    request_id: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().describe('for invalid-input: each field and what is wrong with it'),
  })
  .meta({ id: 'Problem' })

/** A status record as the API shows it (src/diff/views.ts recordView). */
export const RecordView = z
  .strictObject({
    status: Status,
    min_age: z.number().int().nullable(),
    conditions: z.array(z.string()),
    citation: z.string(),
    summary: z.string(),
    confidence: Confidence,
    preempts_local: z.boolean(),
    effective_date: IsoDate.nullable(),
    valid_to: IsoDate.nullable(),
    sources: z.array(SourceRef),
    source_url: z.string().nullable(),
    trust: Trust,
    verified_at: z.string().describe('last time a source confirmed this record (ISO 8601)'),
    recorded_at: z.string().describe('when kratomwatch learned it (ISO 8601)'),
    scheduled: z.boolean().describe('true while the record waits for its effective date'),
  })
  .meta({ id: 'StatusRecord' })

/** One place of the chain that explains an effective status. */
export const ChainLink = z.strictObject({
  code: JurisdictionCode,
  name: z.string(),
  level: Level,
  status: Status.nullable(),
  min_age: z.number().int().nullable(),
  citation: z.string().nullable(),
  source_url: z.string().nullable(),
  effective_date: IsoDate.nullable(),
  applied: z.boolean(),
  note: z.string(),
})

/** The effective status at a place: its own rule combined with every ancestor's. */
export const EffectiveStatus = z
  .strictObject({
    status: Status,
    min_age: z.number().int().nullable(),
    conditions: z.array(z.string()),
    confidence: Confidence.nullable(),
    decided_by: JurisdictionCode.nullable().describe('the place whose rule sets the status'),
    min_age_by: JurisdictionCode.nullable(),
    chain: z.array(ChainLink).describe('from the top ancestor down to the place'),
  })
  .meta({ id: 'EffectiveStatus' })

export const MeasureView = z.strictObject({ ...Measure.shape, source_id: z.string(), first_seen_at: z.string(), updated_at: z.string() })

/** GET /jurisdictions/{code}. */
export const JurisdictionView = z.strictObject({
  code: JurisdictionCode,
  name: z.string(),
  level: Level,
  parent: JurisdictionCode.nullable(),
  ocd_id: z.string().nullable(),
  ancestors: z.array(z.strictObject({ code: JurisdictionCode, name: z.string(), level: Level })),
  children: z.array(JurisdictionCode),
  as_of: IsoDate,
  subjects: z.record(
    SubjectId,
    z.strictObject({
      own: RecordView.nullable(),
      effective: EffectiveStatus,
      upcoming: z.array(RecordView),
      timeline: z.array(
        z.strictObject({
          status: Status,
          valid_from: IsoDate.nullable(),
          valid_to: IsoDate.nullable(),
          citation: z.string(),
          confidence: Confidence,
          recorded_at: z.string(),
          scheduled: z.boolean(),
        }),
      ),
    }),
  ),
  measures: z.array(MeasureView),
  links: z.strictObject({ self: z.string(), history: z.string() }),
})

/** GET /jurisdictions. */
export const JurisdictionList = z.strictObject({
  items: z.array(
    z.strictObject({
      code: JurisdictionCode,
      name: z.string(),
      level: Level,
      parent: JurisdictionCode.nullable(),
      subject: SubjectId.optional().describe('present when a subject or status filter was given'),
      status: Status.optional(),
      min_age: z.number().int().nullable().optional(),
      decided_by: JurisdictionCode.nullable().optional(),
    }),
  ),
  next_cursor: z.string().nullable(),
})

export const ChangeEventView = z.strictObject(ChangeEvent.shape).meta({ id: 'ChangeEvent' })

/** A page of change events; `next_cursor` goes into `since` (GET /changes) or `cursor` (history). */
export const EventPage = z.strictObject({ items: z.array(ChangeEventView), next_cursor: z.string().nullable() })

export const HistoryPage = z.strictObject({ jurisdiction: JurisdictionCode, ...EventPage.shape })
