import { Hono } from 'hono'
import { z } from 'zod'
import { EventType, JurisdictionCode, SubjectId } from '../../domain/index.js'
import { NotFoundError } from '../../errors.js'
import type { AppEnv } from '../env.js'
import { validate } from '../validate.js'

/** Comma-separated list in a query parameter. */
const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1))

export const ChangesQuery = z
  .object({
    since: z.coerce.number().int().min(0).optional(),
    jurisdiction: csv(JurisdictionCode).optional(),
    include_descendants: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    subject: SubjectId.optional(),
    type: csv(EventType).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
export type ChangesQuery = z.infer<typeof ChangesQuery>

/** GET /changes: the global change feed, oldest first after the `since` cursor. */
export const changes = new Hono<AppEnv>().get('/', validate('query', ChangesQuery), (c) => {
  const q = c.req.valid('query')
  const { stores } = c.var.deps
  return c.var.cachedJson(c, `changes:${JSON.stringify(q)}`, () => {
    let codes = q.jurisdiction
    if (codes) {
      for (const code of codes) if (!stores.jurisdictions.get(code)) throw new NotFoundError('jurisdiction', code)
      if (q.include_descendants) codes = [...codes, ...codes.flatMap((code) => stores.jurisdictions.descendants(code))]
    }
    return stores.events.feed({ since: q.since, jurisdictions: codes, subject: q.subject, types: q.type, limit: q.limit })
  })
})
