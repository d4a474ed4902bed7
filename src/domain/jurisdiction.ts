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

/** Where a place is, in WGS 84 degrees, and which public dataset said so. */
export const PlaceLocation = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    /** The dataset the coordinates came from, e.g. "us-atlas counties-10m (FIPS 28081), centroid". */
    source: z.string().min(1),
  })
  .strict()
export type PlaceLocation = z.infer<typeof PlaceLocation>

/** A county or city of the curated dataset, with its location and (US counties) Census FIPS code. */
export const LocalPlace = Jurisdiction.extend({
  level: z.enum(['county', 'city']),
  fips: z
    .string()
    .regex(/^\d{5}$/, 'expected a 5-digit county FIPS code')
    .optional(),
  location: PlaceLocation.optional(),
}).strict()
export type LocalPlace = z.infer<typeof LocalPlace>
