import { z } from 'zod'
import { JurisdictionCode } from './codes.js'

export const Level = z.enum(['country', 'state', 'county', 'city'])
export type Level = z.infer<typeof Level>

/** A place with laws of its own. Countries and first-level divisions are built in; local ones come from the dataset. */
export const Jurisdiction = z.object({
  code: JurisdictionCode,
  name: z.string().min(1),
  level: Level,
  parent: JurisdictionCode.nullable(),
  ocd_id: z.string().nullable(),
})
export type Jurisdiction = z.infer<typeof Jurisdiction>
