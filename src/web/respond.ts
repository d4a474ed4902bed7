import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import type { Stores } from '../db/stores/index.js'
import { isoDay } from '../domain/index.js'
import type { AppEnv } from '../http/env.js'
import { createWebData, type WebData } from './data.js'

interface Entry {
  version: string
  etag: string
  body: string
}

const MAX_ENTRIES = 2000
const caches = new WeakMap<Stores, Map<string, Entry>>()
const webData = new WeakMap<Stores, WebData>()

/** The web read queries for a database (prepared once per stores instance). */
export function webDataFor(stores: Stores): WebData {
  let data = webData.get(stores)
  if (!data) webData.set(stores, (data = createWebData(stores)))
  return data
}

/** Security headers for the HTML pages: no scripts, and nothing loaded from another origin. */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
}

/**
 * Answers a page or feed from an in-process cache keyed by request and data version (as the JSON
 * reads do in src/http/cache.ts), with a strong ETag and Cache-Control, and 304 on a match.
 */
export function cachedText(c: Context<AppEnv>, key: string, contentType: string, build: () => string, extraHeaders: Record<string, string> = {}) {
  const { stores, clock, config } = c.var.deps
  let cache = caches.get(stores)
  if (!cache) caches.set(stores, (cache = new Map()))
  const version = `${stores.dataVersion()}@${isoDay(clock())}`
  let entry = cache.get(key)
  if (!entry || entry.version !== version) {
    const body = build()
    entry = { version, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` }
    if (cache.size >= MAX_ENTRIES) cache.clear()
    cache.set(key, entry)
  }
  const headers = {
    ...extraHeaders,
    etag: entry.etag,
    'cache-control': `public, max-age=${config.CACHE_MAX_AGE}, stale-while-revalidate=${config.CACHE_MAX_AGE * 5}`,
  }
  const ifNoneMatch = c.req.header('if-none-match')
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === entry.etag)) return c.body(null, 304, headers)
  return c.body(entry.body, 200, { ...headers, 'content-type': contentType })
}
