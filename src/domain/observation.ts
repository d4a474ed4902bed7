import { z } from 'zod'
import { IsoDate, JurisdictionCode, SubjectId, WebUrl } from './codes.js'
import { Measure } from './measure.js'
import { Confidence, SourceKind, Status } from './status.js'

/** Where in a fetched document an observation was read: the matched text span and/or a selector. */
export const Evidence = z
  .object({
    text: z.string().max(4000).optional(),
    selector: z.string().max(500).optional(),
  })
  .strict()
export type Evidence = z.infer<typeof Evidence>

/** A source an observation cites, with what it is. */
export const ObservedSource = z
  .object({ url: WebUrl, kind: SourceKind, title: z.string().trim().min(1).optional() })
  .strict()
export type ObservedSource = z.infer<typeof ObservedSource>

/**
 * What a source says about one subject in one jurisdiction. Strict: an unknown key is an error,
 * so a scraper cannot smuggle untyped data past validation.
 */
export const StatusObservation = z
  .object({
    kind: z.literal('status'),
    jurisdiction: JurisdictionCode,
    subject: SubjectId,
    status: Status,
    min_age: z.number().int().min(0).max(99).nullable().default(null),
    conditions: z.array(z.string().trim().min(1)).default([]),
    citation: z.string().trim().min(1, 'every status needs a citation'),
    /** When the rule takes (or took) effect; null = not stated by the source. */
    effective_date: IsoDate.nullable().default(null),
    summary: z.string().trim().default(''),
    /** The page the status was read from. Required unless `sources` lists them (or the status is unknown). */
    source_url: WebUrl.optional(),
    /** Every source read, with its kind; a scraper usually gives `source_url` and its trust tier implies the kind. */
    sources: z.array(ObservedSource).optional(),
    confidence: Confidence,
    preempts_local: z.boolean().default(false),
    /** The day a person read the sources (curated dataset only): the row's verified_at. */
    reviewed_on: IsoDate.optional(),
    evidence: Evidence.optional(),
  })
  .strict()
  .refine((o) => o.status === 'unknown' || o.source_url !== undefined || (o.sources?.length ?? 0) > 0, {
    message: 'a status needs its source: set source_url (or sources)',
    path: ['source_url'],
  })
export type StatusObservation = z.infer<typeof StatusObservation>
export type StatusObservationInput = z.input<typeof StatusObservation>

/** What a source says about a bill or rule. */
export const MeasureObservation = Measure.extend({
  kind: z.literal('measure'),
  last_action: z.string().nullable().default(null),
  last_action_date: IsoDate.nullable().default(null),
  effective_date: IsoDate.nullable().default(null),
  proposed_effect: Measure.shape.proposed_effect.default(null),
  source_url: WebUrl.optional(),
  evidence: Evidence.optional(),
}).strict()
export type MeasureObservation = z.infer<typeof MeasureObservation>

/** One observation of a run: a status or a measure. */
export const Observation = z.discriminatedUnion('kind', [StatusObservation, MeasureObservation])
export type Observation = z.infer<typeof Observation>
export type ObservationInput = z.input<typeof Observation>
