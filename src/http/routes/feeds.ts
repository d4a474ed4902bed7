import { Hono } from 'hono'
import { z } from 'zod'
import { isoDay, JurisdictionCode } from '../../domain/index.js'
import { NotFoundError } from '../../errors.js'
import { renderAtom } from '../../web/atom.js'
import { renderCalendar } from '../../web/ical.js'
import { webDataFor } from '../../web/respond.js'
import type { AppEnv } from '../env.js'
import { Problem, UpcomingList } from '../responses.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'
import { ChangesQuery, feedFilter, feedJurisdictions } from './changes.js'

/**
 * Feeds for people and their tools: Atom 1.0 of the change feed (global and per place, with the
 * filters of GET /changes) and an iCalendar of upcoming effective dates.
 */

const ATOM = 'application/atom+xml; charset=utf-8'
const Params = z.object({ code: JurisdictionCode.describe('jurisdiction code, e.g. US-LA (case-insensitive)') })
const PlaceFeedQuery = ChangesQuery.omit({ jurisdiction: true }).strict()
const CalendarQuery = ChangesQuery.pick({ jurisdiction: true, include_descendants: true, subject: true })
  .extend({ limit: z.coerce.number().int().min(1).max(1000).default(500) })
  .strict()

/** An Atom feed is news: without a `type` filter it leaves out details updates and a place's first undated rows. */
function atomFilter(q: Omit<ChangesQuery, 'jurisdiction'>) {
  return { ...feedFilter(q), notable: q.type === undefined }
}

export const feeds = new Hono<AppEnv>()
  .get('/changes.atom', validate('query', ChangesQuery), (c) => {
    const q = c.req.valid('query')
    const { stores, config, clock } = c.var.deps
    const base = config.PUBLIC_BASE_URL.replace(/\/$/, '')
    const search = new URL(c.req.url).search
    return c.var.cachedText(c, `atom:${JSON.stringify(q)}`, ATOM, () => {
      const codes = feedJurisdictions(stores, q.jurisdiction, q.include_descendants)
      const data = webDataFor(stores)
      const events = data.latestEvents({ ...atomFilter(q), jurisdictions: codes })
      const scope = q.jurisdiction ? ` in ${q.jurisdiction.join(', ')}` : ''
      return renderAtom({
        selfUrl: `${base}/changes.atom${search}`,
        alternateUrl: `${base}/changes.html${search.replace(/([?&])since=[^&]*&?/, '$1').replace(/[?&]$/, '')}`,
        baseUrl: base,
        title: `kratomwatch: changes${scope}${q.subject ? ` (${q.subject})` : ''}`,
        events,
        names: data.names(events.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : []))),
        now: clock(),
      })
    })
  })
  .get('/jurisdictions/:code/changes.atom', validate('param', Params), validate('query', PlaceFeedQuery), (c) => {
    const { code } = c.req.valid('param')
    const q = c.req.valid('query')
    const { stores, config, clock } = c.var.deps
    const base = config.PUBLIC_BASE_URL.replace(/\/$/, '')
    return c.var.cachedText(c, `atom:${code}:${JSON.stringify(q)}`, ATOM, () => {
      const place = stores.jurisdictions.get(code)
      if (!place) throw new NotFoundError('jurisdiction', code)
      const codes = feedJurisdictions(stores, [code], q.include_descendants)
      const data = webDataFor(stores)
      const events = data.latestEvents({ ...atomFilter(q), jurisdictions: codes })
      return renderAtom({
        selfUrl: `${base}/jurisdictions/${code}/changes.atom${new URL(c.req.url).search}`,
        alternateUrl: `${base}/j/${code}`,
        baseUrl: base,
        title: `kratomwatch: changes in ${place.name} (${code})${q.subject ? ` (${q.subject})` : ''}`,
        events,
        names: data.names(events.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : []))),
        now: clock(),
      })
    })
  })
  .get('/upcoming', validate('query', CalendarQuery), (c) => {
    const q = c.req.valid('query')
    const { stores, clock } = c.var.deps
    return c.var.cachedJson(c, `upcoming:${JSON.stringify(q)}`, () => {
      const codes = feedJurisdictions(stores, q.jurisdiction, q.include_descendants)
      const today = isoDay(clock())
      return {
        as_of: today,
        items: webDataFor(stores).upcoming({ today, jurisdictions: codes, subject: q.subject, limit: q.limit }),
      }
    })
  })
  .get('/calendar.ics', validate('query', CalendarQuery), (c) => {
    const q = c.req.valid('query')
    const { stores, config, clock } = c.var.deps
    return c.var.cachedText(c, `ics:${JSON.stringify(q)}`, 'text/calendar; charset=utf-8', () => {
      const codes = feedJurisdictions(stores, q.jurisdiction, q.include_descendants)
      const items = webDataFor(stores).upcoming({
        today: isoDay(clock()),
        jurisdictions: codes,
        subject: q.subject,
        limit: q.limit,
      })
      const scope = q.jurisdiction ? ` in ${q.jurisdiction.join(', ')}` : ''
      return renderCalendar(items, {
        baseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
        now: clock(),
        name: `kratomwatch: upcoming effective dates${scope}`,
      })
    })
  })

const notFound = {
  description: 'an unknown jurisdiction code',
  schema: Problem,
  contentType: 'application/problem+json',
}

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/changes.atom',
    summary: 'Atom feed of changes',
    description:
      "Atom 1.0 (RFC 4287) with the filters of `GET /changes`: the newest `limit` matching events (after `since`, if given), newest first. Without `type`, details updates and a place's first undated rows (what was known when tracking began) are left out.",
    tags: ['changes'],
    query: ChangesQuery,
    responses: {
      200: { description: 'Atom 1.0 feed', contentType: 'application/atom+xml' },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/jurisdictions/{code}/changes.atom',
    summary: 'Atom feed of the changes in one place',
    description: 'As `/changes.atom` for one jurisdiction; `include_descendants=true` adds the places within it.',
    tags: ['changes', 'jurisdictions'],
    params: Params,
    query: PlaceFeedQuery,
    responses: {
      200: { description: 'Atom 1.0 feed', contentType: 'application/atom+xml' },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/upcoming',
    summary: 'Upcoming effective dates (JSON)',
    description:
      'Scheduled status changes and measures taking effect after today, soonest first: the data of `/calendar.ics`, as JSON.',
    tags: ['changes'],
    query: CalendarQuery,
    responses: {
      200: { description: 'upcoming effective dates', schema: UpcomingList },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/calendar.ics',
    summary: 'iCalendar of upcoming effective dates',
    description:
      'All-day events (RFC 5545) for scheduled status changes and measures taking effect after today, optionally for some jurisdictions and a subject.',
    tags: ['changes'],
    query: CalendarQuery,
    responses: {
      200: { description: 'iCalendar', contentType: 'text/calendar' },
      304: { description: 'not modified (ETag matched)' },
      404: notFound,
    },
  },
]
