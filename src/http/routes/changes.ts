import { Hono } from 'hono'
import { z } from 'zod'
import type { Stores } from '../../db/stores/index.js'
import { EventType, IsoDate, JurisdictionCode, SubjectId } from '../../domain/index.js'
import { NotFoundError } from '../../errors.js'
import type { AppEnv } from '../env.js'
import { EventPage, Problem } from '../responses.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'

/** Comma-separated list in a query parameter. */
const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1))

export const ChangesQuery = z
  .object({
    since: z
      .string()
      .regex(
        /^\d+$/,
        "since is an event id cursor (the previous page's next_cursor); to ask by date use effective_from / detected_from (YYYY-MM-DD)",
      )
      .transform(Number)
      .optional()
      .describe(
        "cursor: only events with a greater id (the previous page's next_cursor); for dates use effective_from / detected_from",
      ),
    jurisdiction: csv(JurisdictionCode)
      .optional()
      .describe('comma-separated jurisdiction codes, e.g. US-LA,TH (case-insensitive)'),
    include_descendants: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('also match places within the given jurisdictions (counties, cities)'),
    subject: SubjectId.optional().describe('kratom or 7-oh'),
    type: csv(EventType)
      .optional()
      .describe(`comma-separated event types: ${EventType.options.join(', ')}`),
    effective_from: IsoDate.optional().describe(
      'only changes whose law took effect on or after this date (YYYY-MM-DD)',
    ),
    effective_to: IsoDate.optional().describe('only changes whose law took effect on or before this date'),
    detected_from: IsoDate.optional().describe('only changes detected on or after this date (UTC)'),
    detected_to: IsoDate.optional().describe('only changes detected on or before this date (UTC)'),
    changes_in_law: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe(
        "true: only changes in law (status.changed / status.corrected with an effective date), leaving out a place's first undated row and details updates",
      ),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
export type ChangesQuery = z.infer<typeof ChangesQuery>

/** The jurisdiction codes a change filter matches (with descendants if asked); throws NotFoundError for an unknown code. */
export function feedJurisdictions(
  stores: Stores,
  codes: string[] | undefined,
  includeDescendants: boolean | undefined,
): string[] | undefined {
  if (!codes) return undefined
  for (const code of codes) if (!stores.jurisdictions.get(code)) throw new NotFoundError('jurisdiction', code)
  return includeDescendants ? [...codes, ...codes.flatMap((code) => stores.jurisdictions.descendants(code))] : codes
}

/** The store filter of a changes query (jurisdictions resolved separately). */
export function feedFilter(q: ChangesQuery) {
  const { since, subject, type, effective_from, effective_to, detected_from, detected_to, changes_in_law, limit } = q
  return {
    since,
    subject,
    types: type,
    effective_from,
    effective_to,
    detected_from,
    detected_to,
    in_law: changes_in_law,
    limit,
  }
}

/** True when a client (a browser) asks for HTML rather than JSON. */
function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  const html = accept.indexOf('text/html')
  const json = accept.indexOf('application/json')
  return html >= 0 && (json < 0 || html < json)
}

/**
 * GET /changes: the global change feed, oldest first after the `since` cursor. A browser (Accept:
 * text/html first) is sent to the same filters on the `/changes.html` page.
 */
export const changes = new Hono<AppEnv>().get(
  '/',
  (c, next) => {
    if (!prefersHtml(c.req.header('accept'))) return next()
    const query = new URL(c.req.url).search
    return c.redirect(`/changes.html${query}`, 303)
  },
  validate('query', ChangesQuery),
  (c) => {
    c.header('vary', 'Accept')
    const q = c.req.valid('query')
    const { stores } = c.var.deps
    return c.var.cachedJson(c, `changes:${JSON.stringify(q)}`, () => {
      const codes = feedJurisdictions(stores, q.jurisdiction, q.include_descendants)
      return stores.events.feed({ ...feedFilter(q), jurisdictions: codes })
    })
  },
)

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/changes',
    summary: 'The global change feed',
    description:
      "Change events oldest first after the `since` cursor. Poll with `since` = the last `next_cursor` to receive each event once. Ask by date with `effective_from`/`effective_to` (when the law changed) and `detected_from`/`detected_to` (when kratomwatch saw it), e.g. `?effective_from=2025-11-30&changes_in_law=true` for the last year's changes in law. The same filters serve the Atom feed (`/changes.atom`) and the `/changes.html` page.",
    tags: ['changes'],
    query: ChangesQuery,
    responses: {
      200: {
        description: 'a page of change events; `next_cursor` is the id to pass as `since` next time',
        schema: EventPage,
      },
      303: { description: 'a browser asking for text/html is redirected to `/changes.html` with the same filters' },
      304: { description: 'not modified (ETag matched)' },
      404: {
        description: 'an unknown jurisdiction code in `jurisdiction`',
        schema: Problem,
        contentType: 'application/problem+json',
      },
    },
  },
]
