import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { EventType, IsoDate, JurisdictionCode, SubjectId } from '../../domain/index.js'
import { NotFoundError } from '../../errors.js'
import { changesPage, errorPage, homePage, jurisdictionPage } from '../../web/pages.js'
import { PAGE_HEADERS } from '../../web/respond.js'
import { STYLE_CSS, STYLE_VERSION } from '../../web/style.js'
import type { AppEnv } from '../env.js'
import { problemResponse } from '../problem.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'
import { matchesEtag } from '../cache.js'
import { ChangesQuery, feedJurisdictions } from './changes.js'

/**
 * The server-rendered web pages: `/` (maps), `/j/:code` (one place, `?at=`), `/changes.html`
 * (the change feed; `/changes` itself is the JSON API) and the stylesheet. No client JavaScript.
 */

const HTML = 'text/html; charset=utf-8'

/** Form fields left blank arrive as empty strings; treat them as absent. */
const dropEmpty = (value: unknown) =>
  value && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '' && v !== undefined))
    : value

const HomeQuery = z
  .object({ subject: SubjectId.default('kratom').describe('the subject the maps show: kratom or 7-oh') })
  .strict()
const PageParams = z.object({ code: JurisdictionCode.describe('jurisdiction code, e.g. US-LA (case-insensitive)') })
const PageQuery = z.object({ at: IsoDate.optional().describe('show the status as of this date') }).strict()
const ChangesPageQuery = ChangesQuery.omit({ since: true, changes_in_law: true })
  .extend({
    view: z
      .enum(['law', 'all'])
      .default('law')
      .describe('law: changes in law by the date the law changed (default); all: every recorded event, newest first'),
    before: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .describe('paging cursor of the "all" view: only events with a smaller id'),
    offset: z.coerce.number().int().min(0).max(100_000).optional().describe('paging of the "law" view: rows to skip'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()

async function htmlError(error: Error, c: Context<AppEnv>) {
  const res = await problemResponse(error, c)
  const body = (await res.json()) as {
    status: number
    title: string
    detail: string
    errors?: { field: string; message: string }[]
  }
  return c.body(errorPage(body), res.status as 400, {
    'content-type': HTML,
    'cache-control': 'no-store',
    ...PAGE_HEADERS,
  })
}

function requireSubject(c: Context<AppEnv>, subject: string | undefined) {
  if (subject && !c.var.deps.views.subjects().some((s) => s.id === subject)) throw new NotFoundError('subject', subject)
}

export const pages = new Hono<AppEnv>()
  .get('/', validate('query', z.preprocess(dropEmpty, HomeQuery)), (c) => {
    const { subject } = c.req.valid('query')
    requireSubject(c, subject)
    return c.var.cachedText(c, `home:${subject}`, HTML, () => homePage(c.var.deps, subject), PAGE_HEADERS)
  })
  .get('/j/:code', validate('param', PageParams), validate('query', z.preprocess(dropEmpty, PageQuery)), (c) => {
    const { code } = c.req.valid('param')
    const { at } = c.req.valid('query')
    return c.var.cachedText(
      c,
      `page:${code}:${at ?? ''}`,
      HTML,
      () => {
        const page = jurisdictionPage(c.var.deps, code, at)
        if (page === undefined) throw new NotFoundError('jurisdiction', code)
        return page
      },
      PAGE_HEADERS,
    )
  })
  .get('/changes.html', validate('query', z.preprocess(dropEmpty, ChangesPageQuery)), (c) => {
    const q = c.req.valid('query')
    // Lookups inside build: a cache hit or a 304 costs no query (errors are not cached).
    return c.var.cachedText(
      c,
      `changes-page:${JSON.stringify(q)}`,
      HTML,
      () => {
        requireSubject(c, q.subject)
        return changesPage(
          c.var.deps,
          q,
          feedJurisdictions(c.var.deps.stores, q.jurisdiction, q.include_descendants),
          EventType.options,
        )
      },
      PAGE_HEADERS,
    )
  })
  .get('/assets/style.css', (c) => {
    const etag = `"${STYLE_VERSION}"`
    const headers = { etag, 'cache-control': 'public, max-age=86400', 'content-type': 'text/css; charset=utf-8' }
    if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
    return c.body(STYLE_CSS, 200, headers)
  })
  .onError(htmlError)

const page = (description: string) => ({ description, contentType: 'text/html' })
const problemHtml = (description: string) => ({
  description: `${description} (an HTML error page)`,
  contentType: 'text/html',
})

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/',
    summary: 'Home page: maps of the US states and the world by status',
    description:
      'Server-rendered HTML (no client JavaScript): SVG maps with a legend, patterns and labels, tables of every state and country, recent changes and upcoming effective dates.',
    tags: ['pages'],
    query: HomeQuery,
    responses: {
      200: page('HTML page'),
      304: { description: 'not modified (ETag matched)' },
      400: problemHtml('invalid subject'),
      404: problemHtml('unknown subject'),
    },
  },
  {
    method: 'get',
    path: '/j/{code}',
    summary: 'Page of one jurisdiction',
    description:
      'Effective and own status per subject with the chain, citations linked to sources, confidence, last verification, measures and history. `at` shows the past.',
    tags: ['pages'],
    params: PageParams,
    query: PageQuery,
    responses: {
      200: page('HTML page'),
      304: { description: 'not modified (ETag matched)' },
      400: problemHtml('invalid code or date'),
      404: problemHtml('unknown jurisdiction'),
    },
  },
  {
    method: 'get',
    path: '/changes.html',
    summary: 'Page of the change feed, newest first, filterable',
    description: 'The filters of `GET /changes` (except `since`), plus `before` to page back.',
    tags: ['pages'],
    query: ChangesPageQuery,
    responses: {
      200: page('HTML page'),
      304: { description: 'not modified (ETag matched)' },
      400: problemHtml('invalid filter'),
      404: problemHtml('unknown jurisdiction or subject'),
    },
  },
  {
    method: 'get',
    path: '/assets/style.css',
    summary: 'The stylesheet of the pages',
    tags: ['pages'],
    responses: {
      200: { description: 'CSS', contentType: 'text/css' },
      304: { description: 'not modified (ETag matched)' },
    },
  },
]
