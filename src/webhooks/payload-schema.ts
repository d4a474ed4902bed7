import { z } from 'zod'
import { Confidence, IsoDate, JurisdictionCode, Stage, Status, SubjectId } from '../domain/index.js'

/**
 * The schema of every webhook body kratomwatch sends, one variant per `type`: what receivers can rely on.
 * `docs/webhooks.md` shows one example per type, and tests/webhooks/docs.test.ts validates those examples and
 * real payloads from the diff engine against it. Record sides (`before`/`after`) list the fields receivers use
 * and allow more (new fields are added, never removed).
 */

/** The effective answer at the event's place and date: its own rule combined with every level above it. */
export const EffectiveSummarySchema = z
  .object({
    status: Status,
    at_least: Status.nullable(),
    decided_by: JurisdictionCode.nullable(),
    unconfirmed: z.boolean(),
    explanation: z.string(),
  })
  .strict()

/** One side of a status event: the place's own rule (without `sources`/`evidence` when the body was truncated). */
const StatusSide = z.looseObject({
  status: Status,
  min_age: z.number().int().nullable().optional(),
  conditions: z.array(z.string()).optional(),
  citation: z.string(),
  summary: z.string().optional(),
  confidence: Confidence,
  effective_date: IsoDate.nullable(),
  valid_to: IsoDate.nullable().optional(),
  sources: z
    .array(z.looseObject({ url: z.string(), kind: z.enum(['official', 'secondary', 'commercial']) }))
    .optional(),
  source_url: z.string().nullable().optional(),
  scheduled: z.boolean().optional(),
})

/** One side of a measure event: the bill or rule. */
const MeasureSide = z.looseObject({
  id: z.string(),
  jurisdiction: JurisdictionCode,
  title: z.string(),
  stage: Stage,
  url: z.string(),
  last_action: z.string().nullable(),
  last_action_date: IsoDate.nullable(),
  effective_date: IsoDate.nullable(),
  proposed_effect: z.object({ subject: SubjectId, status: Status }).nullable(),
})

const HealthSide = z.looseObject({ health: z.enum(['ok', 'degraded']) })

const Links = z
  .object({
    event: z.url(),
    jurisdiction: z.url().optional(),
    history: z.url().optional(),
    scraper: z.url().optional(),
  })
  .strict()

/** Fields every change-event body carries in `data`. */
const EventData = z.object({
  event_id: z.number().int().positive(),
  changed_fields: z.array(z.string()),
  citation: z.string().nullable(),
  effective_date: IsoDate.nullable(),
  detected_at: z.iso.datetime(),
  supersedes: z.number().int().positive().nullable(),
  links: Links,
  /** Present when evidence and source lists were dropped to stay under 20 kB. */
  truncated: z.literal(true).optional(),
})

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), timestamp: z.iso.datetime(), data }).strict()

const StatusData = EventData.extend({
  jurisdiction: JurisdictionCode,
  subject: SubjectId,
  measure_id: z.null(),
  scraper_id: z.string().nullable(),
  before: StatusSide.nullable(),
  after: StatusSide.nullable(),
  effective: EffectiveSummarySchema.optional(),
}).strict()

const MeasureData = EventData.extend({
  jurisdiction: JurisdictionCode,
  subject: SubjectId.nullable(),
  measure_id: z.string(),
  scraper_id: z.string().nullable(),
  before: MeasureSide.nullable(),
  after: MeasureSide.nullable(),
}).strict()

const ScraperData = EventData.extend({
  jurisdiction: z.null(),
  subject: z.null(),
  measure_id: z.null(),
  scraper_id: z.string(),
  before: HealthSide,
  after: HealthSide,
}).strict()

/** Every body a subscription can receive, by `type`. */
export const WebhookPayload = z.discriminatedUnion('type', [
  envelope('status.changed', StatusData),
  envelope('status.scheduled', StatusData),
  envelope('status.corrected', StatusData.extend({ supersedes: z.number().int().positive() })),
  envelope('status.details_updated', StatusData),
  envelope('measure.introduced', MeasureData),
  envelope('measure.updated', MeasureData),
  envelope('scraper.degraded', ScraperData),
  envelope('scraper.recovered', ScraperData),
  envelope('webhook.ping', z.object({ subscription_id: z.string(), message: z.string() }).strict()),
])
export type WebhookPayload = z.infer<typeof WebhookPayload>
