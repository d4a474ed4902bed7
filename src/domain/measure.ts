import { z } from 'zod'
import { IsoDate, JurisdictionCode, SubjectId, WebUrl } from './codes.js'
import { Status } from './status.js'

/** Where a bill or rule stands. */
export const Stage = z.enum([
  'introduced',
  'passed_chamber',
  'passed_legislature',
  'enacted',
  'vetoed',
  'failed',
  'withdrawn',
  'proposed_rule',
  'final_rule',
])
export type Stage = z.infer<typeof Stage>

/** What a measure would do if it passes. */
export const ProposedEffect = z.object({ subject: SubjectId, status: Status }).strict()
export type ProposedEffect = z.infer<typeof ProposedEffect>

/** Pending or past legislation or rulemaking, e.g. `US-LA/2025/SB154`. */
export const Measure = z.object({
  id: z.string().regex(/^[A-Z]{2}(?:-[A-Z0-9]+)*\/[\w.-]+(?:\/[\w.-]+)*$/, 'expected an id like "US-LA/2025/SB154"'),
  jurisdiction: JurisdictionCode,
  title: z.string().min(1),
  stage: Stage,
  url: WebUrl,
  last_action: z.string().nullable(),
  last_action_date: IsoDate.nullable(),
  effective_date: IsoDate.nullable(),
  proposed_effect: ProposedEffect.nullable(),
})
export type Measure = z.infer<typeof Measure>

/** The measure fields whose change makes a `measure.updated` event. */
export const MEASURE_TRACKED_FIELDS = [
  'title',
  'stage',
  'last_action',
  'last_action_date',
  'effective_date',
  'proposed_effect',
] as const
