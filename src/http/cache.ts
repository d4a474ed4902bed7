import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { isoDay } from '../domain/index.js'
import type { AppEnv } from './env.js'

interface Entry {
  version: string
  etag: string
  body: string
}

const MAX_ENTRIES = 5000

/**
 * Serves reads from an in-process cache keyed by request and data version, with a strong ETag
 * (hash of the body, equal across replicas) and Cache-Control, answering 304 on a match. The
 * version changes when any connection commits and when the UTC date changes (scheduled rules).
 * `text` serves pages and feeds, `json` the API; one cache per app.
 */
export function createReadCache() {
  const entries = new Map<string, Entry>()

  function text(c: Context<AppEnv>, key: string, contentType: string, build: () => string, extraHeaders: Record<string, string> = {}) {
    const { stores, clock, config } = c.var.deps
    const version = `${stores.dataVersion()}@${isoDay(clock())}`
    let entry = entries.get(key)
    if (!entry || entry.version !== version) {
      const body = build()
      entry = { version, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` }
      if (entries.size >= MAX_ENTRIES) entries.clear()
      entries.set(key, entry)
    }
    const headers = {
      ...extraHeaders,
      etag: entry.etag,
      'cache-control': `public, max-age=${config.CACHE_MAX_AGE}, stale-while-revalidate=${config.CACHE_MAX_AGE * 5}`,
    }
    if (matchesEtag(c.req.header('if-none-match'), entry.etag)) return c.body(null, 304, headers)
    return c.body(entry.body, 200, { ...headers, 'content-type': contentType })
  }

  const json = (c: Context<AppEnv>, key: string, build: () => unknown) => text(c, key, 'application/json; charset=utf-8', () => JSON.stringify(build()))
  return { text, json }
}
export type ReadCache = ReturnType<typeof createReadCache>
export type CachedJson = ReadCache['json']
export type CachedText = ReadCache['text']

/** True when an If-None-Match header (a list, weak tags allowed) names this ETag. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  return !!ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
}
