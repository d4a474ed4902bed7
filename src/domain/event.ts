import { z } from 'zod'
import { IsoDate, JurisdictionCode, SubjectId } from './codes.js'

export const EventType = z.enum([
  'status.changed',
  'status.scheduled',
  'status.corrected',
  'status.details_updated',
  'measure.introduced',
  'measure.updated',
  'scraper.degraded',
  'scraper.recovered',
])
export type EventType = z.infer<typeof EventType>

/**
 * An immutable record of one detected change, with its evidence (run and snapshot).
 * `before`/`after` hold the whole record on each side; `changed_fields` names what differs.
 */
export const ChangeEvent = z.object({
  id: z.number().int().positive(),
  type: EventType,
  jurisdiction: JurisdictionCode.nullable(),
  subject: SubjectId.nullable(),
  measure_id: z.string().nullable(),
  scraper_id: z.string().nullable(),
  changed_fields: z.array(z.string()),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  effective_date: IsoDate.nullable(),
  detected_at: z.string(),
  supersedes: z.number().int().nullable(),
  run_id: z.number().int().nullable(),
  snapshot_id: z.number().int().nullable(),
})
export type ChangeEvent = z.infer<typeof ChangeEvent>

/** An event before it has an id. */
export type NewChangeEvent = Omit<ChangeEvent, 'id'>
