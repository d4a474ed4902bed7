import { Hono } from 'hono'
import { validator } from 'hono/validator'
import { z } from 'zod'
import { IsoDate, JurisdictionCode, Level, Status, SubjectId } from '../../domain/index.js'
import { NotFoundError } from '../../errors.js'
import type { AppEnv } from '../env.js'
import { HistoryPage, JurisdictionList, JurisdictionView, Problem } from '../responses.js'
import type { RouteDoc } from '../route-docs.js'
import { parseOrThrow, validate } from '../validate.js'

const Params = z.object({
  code: JurisdictionCode.describe('jurisdiction code, e.g. US-LA or US-CA-SAN-DIEGO (case-insensitive)'),
})

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

const ViewQuery = z.object({ at: IsoDate.optional().describe('answer as of this date (default: today, UTC)') }).strict()

const HistoryQuery = z
  .object({
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()

// A code already in canonical form (what links and clients send) with no query string needs no zod
// parse: the regex is JurisdictionCode's own. Anything else goes through the schemas, errors included.
const CANONICAL_CODE = /^[A-Z]{2}(?:-[A-Z0-9]+)*$/
const isCanonical = (code: string) => code.length <= 64 && CANONICAL_CODE.test(code)
const viewInput = validator('param', (params: Record<string, string>, c) => {
  const code = params.code ?? ''
  if (isCanonical(code) && !c.req.url.includes('?')) return { code, at: undefined }
  return { code: parseOrThrow('param', Params, params).code, at: parseOrThrow('query', ViewQuery, c.req.query()).at }
})

/** The read-cache key of a place's view (`at` absent: today's answer). */
export const viewKey = (code: string, at?: string): string => (at ? `view:${code}:${at}` : `view:${code}:`)

const VIEW_PREFIX = '/jurisdictions/'

/**
 * The code of a request for `/jurisdictions/<CODE>` with the code already canonical and no query
 * string (what `viewInput` takes without a zod parse), else null. `path` is the request target.
 */
export function canonicalViewCode(path: string): string | null {
  if (!path.startsWith(VIEW_PREFIX)) return null
  const code = path.slice(VIEW_PREFIX.length)
  return isCanonical(code) ? code : null
}

/** GET /jurisdictions, /jurisdictions/:code (?at=), /jurisdictions/:code/history. */
export const jurisdictions = new Hono<AppEnv>()
  .get('/', validate('query', ListQuery), (c) => {
    const q = c.req.valid('query')
    if (q.subject && !c.var.deps.views.subjects().some((s) => s.id === q.subject))
      throw new NotFoundError('subject', q.subject)
    return c.var.cachedJson(c, `list:${JSON.stringify(q)}`, () => c.var.deps.views.list(q))
  })
  .get('/:code', viewInput, (c) => {
    const { code, at } = c.req.valid('param')
    return c.get('cachedJson')(
      c,
      viewKey(code, at),
      () => {
        const view = c.get('deps').views.jurisdiction(code, at)
        if (!view) throw new NotFoundError('jurisdiction', code)
        return view
      },
      { standalone: true },
    )
  })
  .get('/:code/history', validate('param', Params), validate('query', HistoryQuery), (c) => {
    const { code } = c.req.valid('param')
    const page = c.req.valid('query')
    return c.var.cachedJson(c, `history:${code}:${page.cursor ?? ''}:${page.limit}`, () => {
      if (!c.var.deps.stores.jurisdictions.get(code)) throw new NotFoundError('jurisdiction', code)
      return { jurisdiction: code, ...c.var.deps.stores.events.forJurisdiction(code, page) }
    })
  })

const notFound = {
  description: 'no such jurisdiction (or subject)',
  schema: Problem,
  contentType: 'application/problem+json',
}

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/jurisdictions',
    summary: 'List jurisdictions',
    description:
      'Countries, states, counties and cities, by code. With `subject` (or `status`, which implies `subject=kratom`) each item carries its effective status today. Keyset pages: pass `next_cursor` as `cursor`.',
    tags: ['jurisdictions'],
    query: ListQuery,
    responses: {
      200: { description: 'a page of places', schema: JurisdictionList },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/jurisdictions/{code}',
    summary: 'Status of one place',
    description:
      'Own and effective status per subject, with the chain that explains it (country → state → local), citations, sources, confidence, scheduled changes, timeline and measures. `at` answers as of a past or future date.',
    tags: ['jurisdictions'],
    params: Params,
    query: ViewQuery,
    responses: {
      200: { description: 'the place and its statuses', schema: JurisdictionView },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/jurisdictions/{code}/history',
    summary: 'Change events of one place',
    description: 'Newest first; pass `next_cursor` as `cursor` for older events.',
    tags: ['jurisdictions'],
    params: Params,
    query: HistoryQuery,
    responses: {
      200: { description: 'a page of change events', schema: HistoryPage },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
]
