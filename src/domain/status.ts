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

/** One source that supports a status: where it was read and by which scraper. */
export const SourceRef = z.object({
  url: WebUrl,
  source_id: z.string(),
  trust: Trust,
})
export type SourceRef = z.infer<typeof SourceRef>

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
