import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import type { AppEnv } from './env.js'

interface Entry {
  version: string
  /** The UTC day (days since 1970) the body was built on: scheduled rules change answers at midnight. */
  day: number
  etag: string
  body: string
  /** UTF-8 size of the body (plus the key), what the byte budget counts. */
  bytes: number
  /** UTF-8 size of the body, as the Content-Length header of a standalone answer. */
  length: string
  /** Response headers, built once per entry: a hit costs a map lookup and a write. */
  headers: Record<string, string>
  /** The same without content-type, for 304. */
  notModified: Record<string, string>
  cacheControl: string
  contentType: string
  /** Headers the route added (null: none, the usual case, so an answer is one object literal). */
  extra: Record<string, string> | null
  /** Read since it was last passed over by eviction (a second chance: see `remember`). */
  used: boolean
}

const DAY_MS = 86_400_000

/** A cached answer ready to write: its status, plain headers and body (null for 304). */
export interface Answer {
  status: 200 | 304
  headers: Record<string, string>
  body: string | null
}

/** The UTC day of a time, as days since 1970: what a cache entry's `day` is compared with. */
export const dayOf = (at: Date): number => Math.floor(at.getTime() / DAY_MS)

/** Bounds of the read cache: total UTF-8 bytes of the bodies kept, and the largest body worth keeping. */
export interface ReadCacheLimits {
  maxBytes: number
  maxEntryBytes: number
}

/** The per-entry bound for a total: an eighth of it, at most 4 MiB (a `/changes?limit=500` page is ~400 kB). */
export const entryLimit = (maxBytes: number): number => Math.min(4 * 1024 * 1024, Math.floor(maxBytes / 8))

/**
 * Serves reads from an in-process cache keyed by request and data version, with a strong ETag
 * (hash of the body, equal across replicas) and Cache-Control, answering 304 on a match. The
 * version changes when any connection commits and when the UTC date changes (scheduled rules).
 * `text` serves pages and feeds, `json` the API; one cache per app.
 *
 * Bounded in bytes, not entries (every distinct query string is an entry, and a body can be large):
 * least recently used entries are dropped once the bodies pass `maxBytes`, and a body larger than
 * `maxEntryBytes` is served but not kept. Memory held is therefore at most `maxBytes` plus one body.
 */
export function createReadCache(
  limits: ReadCacheLimits = { maxBytes: 64 * 1024 * 1024, maxEntryBytes: entryLimit(64 * 1024 * 1024) },
) {
  // Map order is recency order: a hit moves its entry to the end, eviction takes from the front.
  const entries = new Map<string, Entry>()
  let bytes = 0

  function remember(key: string, entry: Entry) {
    const old = entries.get(key)
    if (old) {
      entries.delete(key)
      bytes -= old.bytes
    }
    if (entry.bytes > limits.maxEntryBytes) return
    entries.set(key, entry)
    bytes += entry.bytes
    // Oldest first; an entry read since it was last passed over goes to the back once (a "second chance",
    // which approximates least-recently-used without moving every hit to the back of the map).
    for (const [k, e] of entries) {
      if (bytes <= limits.maxBytes) break
      entries.delete(k)
      if (e.used) {
        e.used = false
        entries.set(k, e)
      } else bytes -= e.bytes
    }
  }

  /**
   * The entry for `key` if it was built from the current data (`version`) on the current UTC day,
   * moved to the back of the eviction order; undefined when it must be built (again).
   */
  function fresh(key: string, version: string, day: number): Entry | undefined {
    const entry = entries.get(key)
    if (!entry || entry.version !== version || entry.day !== day) return undefined
    entry.used = true
    return entry
  }

  /**
   * A standalone answer from an entry: 304 with its ETag and cache headers when If-None-Match names
   * its ETag, else its body with its length; the entry's plain headers plus the request id.
   */
  function answer(entry: Entry, ifNoneMatch: string | undefined, requestId: string): Answer {
    const notModified =
      ifNoneMatch !== undefined && (ifNoneMatch === entry.etag || matchesEtag(ifNoneMatch, entry.etag))
    // One object literal: spreading the entry's header objects into a new one was the largest cost of a cached
    // 304 (~1.3 of ~2 µs in process, 2026-11). A route's own headers (rare) go underneath, as in `notModified`.
    const headers: Record<string, string> = notModified
      ? { etag: entry.etag, 'cache-control': entry.cacheControl, 'x-request-id': requestId }
      : {
          etag: entry.etag,
          'cache-control': entry.cacheControl,
          'content-type': entry.contentType,
          'content-length': entry.length,
          'x-request-id': requestId,
        }
    return {
      status: notModified ? 304 : 200,
      headers: entry.extra === null ? headers : { ...entry.extra, ...headers },
      body: notModified ? null : entry.body,
    }
  }

  /**
   * `standalone`: the route sets no headers of its own (no `c.header()`), so the answer is written
   * straight from the entry's plain headers plus the request id: hono's `c.body` would copy them
   * into a web Headers object on every request, the largest cost left on a cache hit (bench, 2026-11).
   */
  function text(
    c: Context<AppEnv>,
    key: string,
    contentType: string,
    build: () => string,
    extraHeaders: Record<string, string> = {},
    standalone = false,
  ) {
    // c.get, not c.var: c.var copies every variable into a new object on each access (hono 4.13).
    const { stores, clock, config } = c.get('deps')
    const version = stores.dataVersion()
    const day = dayOf(clock())
    let entry = fresh(key, version, day)
    if (!entry) {
      const body = build()
      const length = Buffer.byteLength(body)
      const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`
      const cacheControl = `public, max-age=${config.CACHE_MAX_AGE}, stale-while-revalidate=${config.CACHE_MAX_AGE * 5}`
      const notModified = { ...extraHeaders, etag, 'cache-control': cacheControl }
      entry = {
        version,
        day,
        body,
        etag,
        bytes: length + key.length,
        length: String(length),
        headers: { ...notModified, 'content-type': contentType },
        notModified,
        cacheControl,
        contentType,
        extra: Object.keys(extraHeaders).length ? extraHeaders : null,
        used: false,
      }
      remember(key, entry)
    }
    const ifNoneMatch = c.req.header('if-none-match')
    if (standalone) {
      const { status, headers, body } = answer(entry, ifNoneMatch, c.get('requestId'))
      return new Response(body, { status, headers })
    }
    if (ifNoneMatch !== undefined && (ifNoneMatch === entry.etag || matchesEtag(ifNoneMatch, entry.etag)))
      return c.body(null, 304, entry.notModified)
    return c.body(entry.body, 200, entry.headers)
  }

  const json = (c: Context<AppEnv>, key: string, build: () => unknown, options: { standalone?: boolean } = {}) =>
    text(c, key, 'application/json; charset=utf-8', () => JSON.stringify(build()), {}, options.standalone)
  /** What the cache holds now (for tests and metrics). */
  const stats = () => ({ entries: entries.size, bytes })
  return { text, json, stats, fresh, answer }
}
export type ReadCache = ReturnType<typeof createReadCache>
export type CachedJson = ReadCache['json']
export type CachedText = ReadCache['text']

/** True when an If-None-Match header (a list, weak tags allowed) names this ETag. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  return !!ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
}
