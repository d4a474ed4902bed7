import { z } from 'zod'

/**
 * A jurisdiction code: ISO 3166-1 alpha-2 (`US`), ISO 3166-2 (`US-AL`), or for counties and cities
 * the parent code plus an upper-case slug (`US-CA-SAN-DIEGO`). Trimmed and upper-cased on input.
 */
export const JurisdictionCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}(?:-[A-Z0-9]+)*$/, 'expected a code like "US", "US-AL" or "US-CA-SAN-DIEGO"')
  .max(64)
export type JurisdictionCode = z.infer<typeof JurisdictionCode>

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is refused). */
export const IsoDate = z.iso.date({ message: 'expected a date YYYY-MM-DD' })
export type IsoDate = z.infer<typeof IsoDate>

/** A subject id, such as `kratom` or `7-oh`; the subjects table says which exist. */
export const SubjectId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a subject id such as "kratom" or "7-oh"')
export type SubjectId = z.infer<typeof SubjectId>

/** An absolute http(s) URL. */
export const WebUrl = z.url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL' })

/** Today's date in UTC as `YYYY-MM-DD`. */
export function isoDay(at: Date): IsoDate {
  return at.toISOString().slice(0, 10)
}
