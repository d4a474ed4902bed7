import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createReadCache, dayOf } from '../../src/http/cache.js'
import type { AppEnv } from '../../src/http/env.js'
import { baselineApp, testApp } from '../helpers/db.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const MiB = 1024 * 1024

describe('read cache', () => {
  it('keeps the heap bounded across 10,000 distinct large queries', async () => {
    const t = testApp()
    const cache = createReadCache({ maxBytes: 16 * MiB, maxEntryBytes: 2 * MiB })
    // The real middleware chain's shape: deps and the cache on the context, a route keyed by its query.
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', { stores: t.stores, clock: t.clock, config: t.config } as never)
        await next()
      })
      .get('/big', (c) =>
        cache.text(c, `big:${c.req.query('n')}`, 'text/plain', () => `${c.req.query('n')}:`.padEnd(400_000, '.')),
      )
    gc()
    const before = process.memoryUsage().heapUsed
    let peak = 0
    for (let n = 0; n < 10_000; n++) {
      const res = await app.request(`/big?n=${n}`)
      expect((await res.text()).length).toBe(400_000)
      if (n % 2500 === 2499) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed - before)
        expect(cache.stats().bytes).toBeLessThanOrEqual(16 * MiB)
      }
    }
    // Without a byte bound this held 10,000 × 400 kB = 4 GB. Now: the 16 MiB budget plus the test's own garbage.
    expect(peak).toBeLessThan(64 * MiB)
    expect(cache.stats().entries).toBeLessThanOrEqual(Math.floor((16 * MiB) / 400_000))
    // The most recent entries are the ones kept: a repeat is a hit (same ETag, 304).
    const last = await app.request('/big?n=9999')
    expect((await app.request('/big?n=9999', { headers: { 'if-none-match': last.headers.get('etag')! } })).status).toBe(
      304,
    )
  }, 120_000)

  it('drops the oldest entry not read since it was stored, keeping one that was read', async () => {
    const t = testApp()
    // Room for three 100 kB bodies (an entry counts its key too).
    const cache = createReadCache({ maxBytes: 350_000, maxEntryBytes: 200_000 })
    let builds = 0
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', { stores: t.stores, clock: t.clock, config: t.config } as never)
        await next()
      })
      .get('/page', (c) =>
        cache.text(c, `page:${c.req.query('n')}`, 'text/plain', () => (builds++, 'x'.repeat(100_000))),
      )
    for (const n of ['a', 'b', 'c', 'a', 'd']) await app.request(`/page?n=${n}`)
    expect(builds).toBe(4) // a read again is a hit
    expect(cache.stats().entries).toBe(3)
    await app.request('/page?n=a') // kept: it was read
    expect(builds).toBe(4)
    await app.request('/page?n=b') // dropped for d: the oldest not read
    expect(builds).toBe(5)
  })

  it("answers a standalone hit with the route's own headers underneath the cache's, for 200 and 304", async () => {
    const t = testApp()
    const cache = createReadCache()
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', { stores: t.stores, clock: t.clock, config: t.config } as never)
        await next()
      })
      .get('/page', (c) =>
        cache.text(c, 'page', 'text/html', () => '<p>hi</p>', { 'x-frame-options': 'DENY', etag: '"route"' }),
      )
    await app.request('/page')
    const entry = cache.fresh('page', t.stores.dataVersion(), dayOf(t.clock()))!
    const ok = cache.answer(entry, undefined, 'r1')
    expect(ok.status).toBe(200)
    expect(ok.body).toBe('<p>hi</p>')
    expect(ok.headers).toEqual({
      'x-frame-options': 'DENY',
      etag: entry.etag, // the cache's ETag, not the route's
      'cache-control': expect.stringContaining('max-age='),
      'content-type': 'text/html',
      'content-length': '9',
      'x-request-id': 'r1',
    })
    const notModified = cache.answer(entry, entry.etag, 'r2')
    expect(notModified).toEqual({
      status: 304,
      headers: {
        'x-frame-options': 'DENY',
        etag: entry.etag,
        'cache-control': ok.headers['cache-control'],
        'x-request-id': 'r2',
      },
      body: null,
    })
  })

  it('serves a body larger than the per-entry bound without keeping it', async () => {
    const t = testApp()
    const cache = createReadCache({ maxBytes: 4 * MiB, maxEntryBytes: MiB })
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', { stores: t.stores, clock: t.clock, config: t.config } as never)
        await next()
      })
      .get('/huge', (c) => cache.text(c, 'huge', 'text/plain', () => 'x'.repeat(2 * MiB)))
    expect((await (await app.request('/huge')).text()).length).toBe(2 * MiB)
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 })
  })

  it('in the app: bounded by READ_CACHE_MAX_MB, one entry whatever the parameter order, duplicates refused', async () => {
    const { app } = baselineApp({ READ_CACHE_MAX_MB: '2' })
    for (let limit = 281; limit <= 300; limit++) expect((await app.request(`/changes?limit=${limit}`)).status).toBe(200)
    expect(app.readCache.stats().bytes).toBeLessThanOrEqual(2 * MiB)
    expect(app.readCache.stats().entries).toBeLessThan(20)

    const entries = () => app.readCache.stats().entries
    await app.request('/changes?type=status.changed&subject=kratom&limit=3')
    const n = entries()
    const a = await app.request('/changes?type=status.changed&subject=kratom&limit=3')
    const b = await app.request('/changes?limit=3&subject=kratom&type=status.changed')
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'))
    expect(entries()).toBe(n)
    const dup = await app.request('/changes?limit=3&limit=4')
    expect(dup.status).toBe(400)
    expect(entries()).toBe(n)
  })
})
