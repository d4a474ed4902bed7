import { Hono } from 'hono'
import { z } from 'zod'
import { IsoDate, JurisdictionCode, Level, Status, SubjectId } from '../../domain/index.js'
import { NotFoundError } from '../../errors.js'
import type { AppEnv } from '../env.js'
import { validate } from '../validate.js'

const Params = z.object({ code: JurisdictionCode })

const ListQuery = z
  .object({
    level: Level.optional(),
    parent: JurisdictionCode.optional(),
    subject: SubjectId.optional(),
    status: Status.optional(),
    cursor: JurisdictionCode.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()

const ViewQuery = z.object({ at: IsoDate.optional() }).strict()

const HistoryQuery = z
  .object({
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()

/** GET /jurisdictions, /jurisdictions/:code (?at=), /jurisdictions/:code/history. */
export const jurisdictions = new Hono<AppEnv>()
  .get('/', validate('query', ListQuery), (c) => {
    const q = c.req.valid('query')
    if (q.subject && !c.var.deps.views.subjects().some((s) => s.id === q.subject)) throw new NotFoundError('subject', q.subject)
    return c.var.cachedJson(c, `list:${JSON.stringify(q)}`, () => c.var.deps.views.list(q))
  })
  .get('/:code', validate('param', Params), validate('query', ViewQuery), (c) => {
    const { code } = c.req.valid('param')
    const { at } = c.req.valid('query')
    return c.var.cachedJson(c, `view:${code}:${at ?? ''}`, () => {
      const view = c.var.deps.views.jurisdiction(code, at)
      if (!view) throw new NotFoundError('jurisdiction', code)
      return view
    })
  })
  .get('/:code/history', validate('param', Params), validate('query', HistoryQuery), (c) => {
    const { code } = c.req.valid('param')
    const page = c.req.valid('query')
    return c.var.cachedJson(c, `history:${code}:${page.cursor ?? ''}:${page.limit}`, () => {
      if (!c.var.deps.stores.jurisdictions.get(code)) throw new NotFoundError('jurisdiction', code)
      return { jurisdiction: code, ...c.var.deps.stores.events.forJurisdiction(code, page) }
    })
  })
