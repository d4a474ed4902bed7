import { z } from 'zod'
import { WebUrl } from './codes.js'

/** The legal status of a subject in a jurisdiction (DESIGN.md § Domain). */
export const Status = z.enum(['legal', 'regulated', 'restricted', 'banned', 'unknown'])
export type Status = z.infer<typeof Status>

/** legal < regulated < restricted < banned; `unknown` has no severity and never overrides. */
export const SEVERITY: Record<Exclude<Status, 'unknown'>, number> = { legal: 0, regulated: 1, restricted: 2, banned: 3 }

export const Confidence = z.enum(['high', 'medium', 'low'])
export type Confidence = z.infer<typeof Confidence>

/** How much a source is trusted: a `secondary` source never overrides `primary` or `curated`. */
export const Trust = z.enum(['primary', 'secondary', 'curated'])
export type Trust = z.infer<typeof Trust>

/**
 * What a source is: `official` (legislature, gazette, regulator, court, government agency),
 * `secondary` (news, law firm, advocacy group, encyclopedia) or `commercial` (a seller: never
 * evidence of the law).
 */
export const SourceKind = z.enum(['official', 'secondary', 'commercial'])
export type SourceKind = z.infer<typeof SourceKind>

/** The kind of source a scraper of a trust tier reads, when the observation does not say. */
export const KIND_OF_TRUST: Record<Exclude<Trust, 'curated'>, SourceKind> = {
  primary: 'official',
  secondary: 'secondary',
}

/** One source that supports a status: where it was read, what it is, and who read it. */
export const SourceRef = z.object({
  url: WebUrl,
  /** Absent on rows recorded before sources were classified (read as unclassified). */
  kind: SourceKind.optional(),
  title: z.string().optional(),
  source_id: z.string(),
  trust: Trust,
})
export type SourceRef = z.infer<typeof SourceRef>

/** How long a confirmation stays fresh, by who gave it: a person's review, or a scraper reading its source. */
export const STALE_AFTER_DAYS: Record<Trust, number> = { curated: 180, primary: 30, secondary: 30 }

/** The fields that describe a rule without changing it: a difference is `status.details_updated`. */
export const DETAIL_FIELDS = ['citation', 'summary', 'confidence', 'sources'] as const
export type DetailField = (typeof DETAIL_FIELDS)[number]

/**
 * The fields of a status that matter legally: a difference in any of them is a change and makes a
 * change event. Citation, summary, confidence and sources describe the rule and are refreshed in
 * place when a source of equal or higher trust confirms it: two sources wording the same citation
 * differently is not a change in the law, and must not notify subscribers.
 */
export const MATERIAL_FIELDS = ['status', 'min_age', 'conditions', 'preempts_local'] as const
export type MaterialField = (typeof MATERIAL_FIELDS)[number]

/** A status as the timeline holds it, without its time axis. */
export const StatusFields = z.object({
  status: Status,
  min_age: z.number().int().min(0).max(99).nullable(),
  conditions: z.array(z.string()),
  citation: z.string(),
  summary: z.string(),
  confidence: Confidence,
  preempts_local: z.boolean(),
})
export type StatusFields = z.infer<typeof StatusFields>
