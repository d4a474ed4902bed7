import { z } from 'zod'
import {
  ChangeEvent,
  Confidence,
  IsoDate,
  JurisdictionCode,
  Level,
  Measure,
  SourceKind,
  SourceRef,
  Status,
  SubjectId,
  Trust,
} from '../domain/index.js'

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
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('for invalid-input: each field and what is wrong with it'),
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
    sources: z.array(
      SourceRef.extend({
        kind: z
          .enum([...SourceKind.options, 'unclassified'])
          .describe(
            'official (statute, gazette, agency), secondary (news, law firm, encyclopedia), commercial (a seller: never evidence)',
          ),
      }),
    ),
    source_url: z.string().nullable().describe('the source to read first: an official one when there is one'),
    trust: Trust,
    verified_at: z
      .string()
      .describe(
        'when a source last confirmed this record: a scraper run that read it (ISO 8601 time), or the day a person reviewed a curated entry (YYYY-MM-DD); never the load time',
      ),
    verified_by: z
      .string()
      .nullable()
      .describe('who confirmed it: a scraper id, or "review" (a person, curated dataset)'),
    stale: z
      .boolean()
      .describe('true when not re-checked within its horizon: 180 days for a review, 30 days for a scraper'),
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
    status: Status.describe(
      "unknown when a level's own rule is unconfirmed and no known level bans it: never shown as legal",
    ),
    at_least: Status.exclude(['unknown'])
      .nullable()
      .describe('for an unknown answer: the most severe status known to apply'),
    since: IsoDate.nullable().describe(
      'first day of the current unbroken run of this effective status (null: before any recorded change)',
    ),
    min_age: z.number().int().nullable().describe('from the levels whose status is the answer only'),
    conditions: z.array(z.string()).describe('from the levels whose status is the answer only'),
    confidence: Confidence.nullable(),
    decided_by: JurisdictionCode.nullable().describe('the place whose rule sets the status'),
    unknown_at: z.array(JurisdictionCode).describe('for an unknown answer: the places whose own rule is unconfirmed'),
    min_age_by: JurisdictionCode.nullable(),
    unconfirmed: z
      .boolean()
      .describe('true when unknown, low confidence, or no official source supports the deciding rule'),
    explanation: z.string().describe('one sentence: why the answer is what it is'),
    chain: z.array(ChainLink).describe('from the top ancestor down to the place'),
  })
  .meta({ id: 'EffectiveStatus' })

export const MeasureView = z.strictObject({
  ...Measure.shape,
  source_id: z.string(),
  first_seen_at: z.string(),
  updated_at: z.string(),
})

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
      at_least: Status.exclude(['unknown']).nullable().optional(),
      min_age: z.number().int().nullable().optional(),
      decided_by: JurisdictionCode.nullable().optional(),
      unconfirmed: z.boolean().optional(),
    }),
  ),
  next_cursor: z.string().nullable(),
})

export const ChangeEventView = z.strictObject(ChangeEvent.shape).meta({ id: 'ChangeEvent' })

/** A page of change events; `next_cursor` goes into `since` (GET /changes) or `cursor` (history). */
export const EventPage = z.strictObject({ items: z.array(ChangeEventView), next_cursor: z.string().nullable() })

export const HistoryPage = z.strictObject({ jurisdiction: JurisdictionCode, ...EventPage.shape })

/** GET /upcoming: scheduled status changes and measures taking effect after today (the data of /calendar.ics). */
export const UpcomingList = z.strictObject({
  as_of: IsoDate,
  items: z.array(
    z.strictObject({
      date: IsoDate,
      kind: z.enum(['status', 'measure']),
      jurisdiction: JurisdictionCode,
      name: z.string(),
      subject: SubjectId.nullable(),
      status: Status.nullable(),
      citation: z.string().nullable(),
      summary: z.string(),
      url: z.string().nullable(),
      measure_id: z.string().nullable(),
      stage: z.string().nullable(),
      uid: z.string(),
    }),
  ),
})
