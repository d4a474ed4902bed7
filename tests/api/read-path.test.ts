import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { startService } from '../../src/main.js'
import { metrics } from '../../src/metrics.js'
import { baselineApp, tempDir, testApp, testDb } from '../helpers/db.js'

// The cached read path (issue 14): what a hit answers must not change while it gets cheaper.
let ctx: ReturnType<typeof testApp>
beforeAll(() => {
  ctx = baselineApp()
})

const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers })

/** The exposition lines of the HTTP histogram for one route and status. */
async function histogram(route: string, status: number): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (
      !line.startsWith('kratomwatch_http_request_duration_seconds') ||
      !line.includes(`route="${route}"`) ||
      !line.includes(`status="${status}"`)
    )
      continue
    if (!line.includes('method="GET"')) continue
    const [series, value] = line.split(' ') as [string, string]
    out.set(series.replace(/\{.*le="([^"]+)".*\}/, '{le=$1}').replace(/\{method.*\}/, ''), Number(value))
  }
  return out
}

describe('cached GET /jurisdictions/:code', () => {
  it('answers a hit with the same body, ETag, cache headers and request id as the first answer', async () => {
    const first = await get('/jurisdictions/US-AL', { 'x-request-id': 'first' })
    const hit = await get('/jurisdictions/US-AL', { 'x-request-id': 'second' })
    expect(hit.status).toBe(200)
    expect(await hit.text()).toBe(await first.text())
    for (const name of ['etag', 'cache-control', 'content-type'])
      expect(hit.headers.get(name), name).toBe(first.headers.get(name))
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(hit.headers.get('cache-control')).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/)
    expect(first.headers.get('x-request-id')).toBe('first')
    expect(hit.headers.get('x-request-id')).toBe('second')
  })

  it('answers 304 without a body or content type but with the ETag, cache headers and request id', async () => {
    const etag = (await get('/jurisdictions/US-TX')).headers.get('etag')!
    const res = await get('/jurisdictions/US-TX', { 'if-none-match': `W/"other", ${etag}`, 'x-request-id': 'cond' })
    expect(res.status).toBe(304)
    expect(await res.text()).toBe('')
    expect(res.headers.get('etag')).toBe(etag)
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=/)
    expect(res.headers.get('content-type')).toBeNull()
    expect(res.headers.get('x-request-id')).toBe('cond')
  })

  it('validates what the quick code check does not accept, with the same errors as before', async () => {
    expect((await (await get('/jurisdictions/%20us-al%20')).json()).code).toBe('US-AL')
    expect((await (await get('/jurisdictions/US-AL?at=2015-01-01')).json()).code).toBe('US-AL')
    const bad = await get('/jurisdictions/US_AL')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'code' }] })
    const unknownParam = await get('/jurisdictions/US-AL?colour=red')
    expect(unknownParam.status).toBe(400)
    const badDate = await get('/jurisdictions/US-AL?at=2026-02-30')
    expect(badDate.status).toBe(400)
    expect(await badDate.json()).toMatchObject({ errors: [{ field: 'at' }] })
    expect((await get(`/jurisdictions/US-${'A'.repeat(70)}`)).status).toBe(400)
  })

  it('starts a new day with a fresh answer (scheduled rules), even when no data changed', async () => {
    const t = testApp(testDb())
    const first = await t.app.request('/jurisdictions/US')
    t.clock.set('2026-11-26T00:00:01Z')
    const next = await t.app.request('/jurisdictions/US', { headers: { 'if-none-match': first.headers.get('etag')! } })
    // The body carries the date it answers for, so the entry is rebuilt and the old ETag no longer matches.
    expect(next.status).toBe(200)
    expect(next.headers.get('etag')).not.toBe(first.headers.get('etag'))
  })
})

describe('cached GET /jurisdictions/:code on the real server', () => {
  it('answers a hit before the app with the same status, headers, body and metrics as the app', async () => {
    const config = loadConfig({ PORT: '0', DATABASE_PATH: join(tempDir(), 'kw.db'), SCHEDULER_ENABLED: 'false' })
    const service = await startService(config, silentLogger)
    try {
      const url = `http://127.0.0.1:${service.port}/jurisdictions/US-AL`
      const count = async (status: number) =>
        (await histogram('/jurisdictions/:code', status)).get('kratomwatch_http_request_duration_seconds_count') ?? 0
      const [ok, notModified] = [await count(200), await count(304)]
      const first = await fetch(url, { headers: { 'x-request-id': 'miss' } }) // built by the app
      const hit = await fetch(url, { headers: { 'x-request-id': 'hit' } }) // written from the cache
      const body = await first.text()
      expect(await hit.text()).toBe(body)
      for (const name of ['etag', 'cache-control', 'content-type', 'content-length'])
        expect(hit.headers.get(name), name).toBe(first.headers.get(name))
      expect(hit.headers.get('content-length')).toBe(String(Buffer.byteLength(body)))
      expect([first.headers.get('x-request-id'), hit.headers.get('x-request-id')]).toEqual(['miss', 'hit'])
      const cond = await fetch(url, { headers: { 'if-none-match': first.headers.get('etag')! } })
      expect(cond.status).toBe(304)
      expect(await cond.text()).toBe('')
      expect(cond.headers.get('etag')).toBe(first.headers.get('etag'))
      expect(cond.headers.get('cache-control')).toBe(first.headers.get('cache-control'))
      expect(cond.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
      // HEAD and other codes still go through the app.
      expect((await fetch(url, { method: 'HEAD' })).headers.get('etag')).toBe(first.headers.get('etag'))
      expect((await count(200)) - ok).toBe(2) // GET only: the HEAD has its own series
      expect((await count(304)) - notModified).toBe(1)
    } finally {
      await service.stop()
    }
  })
})

describe('http metrics', () => {
  it('counts each request in its route series with cumulative buckets, sum and count', async () => {
    const before = await histogram('/jurisdictions/:code', 200)
    for (let i = 0; i < 3; i++) await get('/jurisdictions/US-GA')
    await get('/jurisdictions/US-ZZ') // a 404 goes to its own series
    const after = await histogram('/jurisdictions/:code', 200)
    const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0)
    expect(delta('kratomwatch_http_request_duration_seconds_count')).toBe(3)
    expect(delta('kratomwatch_http_request_duration_seconds_bucket{le=+Inf}')).toBe(3)
    expect(after.get('kratomwatch_http_request_duration_seconds_sum')).toBeGreaterThan(0)
    // Buckets are cumulative and end at the count.
    const buckets = [...after].filter(([k]) => k.includes('_bucket')).map(([, v]) => v)
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b))
    expect(buckets.at(-1)).toBe(after.get('kratomwatch_http_request_duration_seconds_count'))
    expect(
      (await histogram('/jurisdictions/:code', 404)).get('kratomwatch_http_request_duration_seconds_count'),
    ).toBeGreaterThanOrEqual(1)
  })
})
