import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { silentLogger } from '../../src/log.js'
import { lazyScraperRegistry } from '../../src/main.js'
import { createStatusViews } from '../../src/read/status-view.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import { createScrapingService, type ScrapingService } from '../../src/scraping/service.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { testApp, testDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'

const services: ScrapingService[] = []
afterEach(async () => {
  while (services.length) await services.pop()!.stop(0)
  await closeFixtureServers()
})

const TX = texas as ScraperDefinition
// A secondary twin of the Texas scraper: everything it says different from the timeline is held.
const SECONDARY = { ...TX, id: 'us-tx-secondary-copy', trust: 'secondary' } as ScraperDefinition

async function setup(withScraping = true) {
  const server = await fixtureServer()
  const t = testDb()
  const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
  const scraping = withScraping
    ? await createScrapingService({
        config,
        stores: t.stores,
        engine: t.engine,
        clock: t.clock,
        log: silentLogger,
        httpBackoffMs: 1,
        registry: [
          { def: TX, file: '', region: 'us-tx', disabled: null },
          { def: SECONDARY, file: '', region: 'us-tx', disabled: null },
          {
            def: { ...TX, id: 'us-tx-off' } as ScraperDefinition,
            file: '',
            region: 'us-tx',
            disabled: 'needs LEGISCAN_API_KEY (API key not configured)',
          },
        ],
      })
    : undefined
  if (scraping) services.push(scraping)
  const app = createApp({
    config,
    stores: t.stores,
    engine: t.engine,
    views: createStatusViews(t.stores, t.clock),
    log: silentLogger,
    clock: t.clock,
    ready: () => true,
    scraping,
    // The api role: main.ts hands routes a registry loader (routes never import the fetch layer).
    scraperRegistry: withScraping ? undefined : lazyScraperRegistry(config),
  })
  const admin = t.stores.keys.create('maintainer', true, '2026-11-25T00:00:00Z').key
  const user = t.stores.keys.create('reader', false, '2026-11-25T00:00:00Z').key
  const serve = (name: string) => server.serveCase(TX, fixtureCase(TX, name))
  const post = (path: string, key?: string, body?: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const get = (path: string, key?: string) =>
    app.request(path, { headers: key ? { authorization: `Bearer ${key}` } : {} })
  return { t, app, admin, user, serve, post, get, server }
}

describe('POST /scrapers/:id/run and GET /scrapers', () => {
  it('needs an admin key, runs the scraper, and health shows it', async () => {
    const { serve, post, get, admin, user } = await setup()
    serve('chapter-444-2026-11')
    expect((await post('/scrapers/us-tx-statutes-hs-444/run')).status).toBe(401)
    expect((await post('/scrapers/us-tx-statutes-hs-444/run', user)).status).toBe(403)
    const res = await post('/scrapers/us-tx-statutes-hs-444/run', admin)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { outcome: string; events: number[]; run_id: number }
    expect(body.outcome).toBe('changed')
    expect(body.events).toHaveLength(2)

    const health = (await (await get('/scrapers')).json()) as { items: Record<string, unknown>[] }
    expect(health.items.find((h) => h.id === 'us-tx-statutes-hs-444')).toMatchObject({
      enabled: true,
      last_run: { id: body.run_id, outcome: 'changed', reason: null },
      success_rate: 1,
      consecutive_failures: 0,
      trust: 'primary',
      schedule: '20 6 * * *',
    })
    expect(health.items.find((h) => h.id === 'us-tx-off')).toMatchObject({
      enabled: false,
      disabled_reason: expect.stringContaining('LEGISCAN_API_KEY'),
      last_run: null,
    })
    // Provenance: Texas is tested on a real Council page of the same template; the run above was an
    // API-triggered run (the fixture server stands in for the live source here), so it counts as live.
    expect(health.items.find((h) => h.id === 'us-tx-statutes-hs-444')).toMatchObject({
      provenance: 'real-template',
      real_material: ['real-sources/state-legislature/tx-statutes-BC.551-2026.htm'],
      last_live_success_at: expect.any(String),
    })
    // A scraper without fixtures (this copy's id has no fixtures folder) is 'unknown', never 'real'.
    expect(health.items.find((h) => h.id === 'us-tx-secondary-copy')).toMatchObject({
      provenance: 'unknown',
      real_material: [],
      last_live_success_at: null,
    })

    const runs = (await (await get('/scrapers/us-tx-statutes-hs-444/runs')).json()) as {
      items: { documents: { snapshot_id: number; url: string }[] }[]
    }
    expect(runs.items[0]!.documents[0]).toMatchObject({ source_name: 'chapter', url: TX.sources.chapter!.url })
  })

  it('refuses disabled and unknown scrapers', async () => {
    const { post, admin } = await setup()
    expect((await post('/scrapers/us-tx-off/run', admin)).status).toBe(409)
    expect((await post('/scrapers/us-nope-nothing/run', admin)).status).toBe(404)
  })

  it('a faulted run shows as degraded with its reason', async () => {
    const { serve, post, get, admin, server } = await setup()
    serve('chapter-444-2026-11')
    server.fault(TX.sources.chapter!.url, { kind: 'bot-wall' })
    expect(await (await post('/scrapers/us-tx-statutes-hs-444/run', admin)).json()).toMatchObject({
      outcome: 'degraded',
      reason: 'blocked',
    })
    const health = (await (await get('/scrapers')).json()) as { items: Record<string, unknown>[] }
    expect(health.items.find((h) => h.id === 'us-tx-statutes-hs-444')).toMatchObject({
      last_run: { outcome: 'degraded', reason: 'blocked' },
      consecutive_failures: 1,
      success_rate: 0,
    })
  })

  it('in the api role (no scraping service) lists health from the database and refuses runs', async () => {
    const { post, get, admin, t } = await setup(false)
    const id = t.stores.runs.start('us-tx-statutes-hs-444', '1', 'schedule', '2026-11-25T10:00:00Z')
    t.stores.runs.finish(id, { finished_at: '2026-11-25T10:00:01Z', outcome: 'unchanged' })
    const health = (await (await get('/scrapers')).json()) as { items: Record<string, unknown>[] }
    expect(health.items.find((h) => h.id === 'us-tx-statutes-hs-444')).toMatchObject({
      registered: true,
      enabled: true,
      schedule: '20 6 * * *',
      next_run_at: null,
      last_run: { outcome: 'unchanged' },
    })
    expect((await post('/scrapers/us-tx-statutes-hs-444/run', admin)).status).toBe(409)
  })

  it('keeps a retired scraper (file gone, runs kept) listed as not registered, with its runs', async () => {
    // us-la-legislature-sb154-2025 was retired on 2026-11-30 for us-la-rs-40-964 (README, Sources).
    for (const withScraping of [true, false]) {
      const { post, get, admin, t } = await setup(withScraping)
      const id = t.stores.runs.start('us-la-legislature-sb154-2025', '2', 'schedule', '2026-11-25T06:05:00Z')
      t.stores.runs.finish(id, { finished_at: '2026-11-25T06:05:01Z', outcome: 'unchanged' })
      const health = (await (await get('/scrapers')).json()) as { items: Record<string, unknown>[] }
      expect(health.items.find((h) => h.id === 'us-la-legislature-sb154-2025')).toMatchObject({
        registered: false,
        enabled: false,
        title: null,
        next_run_at: null,
        last_run: { id, outcome: 'unchanged' },
        last_success_at: '2026-11-25T06:05:01Z',
      })
      const runs = (await (await get('/scrapers/us-la-legislature-sb154-2025/runs')).json()) as {
        items: { id: number }[]
      }
      expect(runs.items.map((r) => r.id)).toEqual([id])
      // A process that runs scrapers cannot run it (404: no such scraper); an API process runs none (409).
      expect((await post('/scrapers/us-la-legislature-sb154-2025/run', admin)).status).toBe(withScraping ? 404 : 409)
      // The API process reads the registry from disk: the statute watcher that replaced it is there.
      if (!withScraping)
        expect(health.items.find((h) => h.id === 'us-la-rs-40-964')).toMatchObject({ registered: true, enabled: true })
    }
  })
})

describe('review queue', () => {
  it('approving applies the held observation through the diff engine, recording who and why', async () => {
    const { serve, post, get, admin, user, t } = await setup()
    serve('chapter-444-2026-11')
    expect(await (await post('/scrapers/us-tx-secondary-copy/run', admin)).json()).toMatchObject({
      outcome: 'unchanged',
      counts: { held: 2 },
    })
    expect((await get('/reviews', user)).status).toBe(403)
    const list = (await (await get('/reviews', admin)).json()) as {
      items: { id: number; subject: string; reason: string }[]
    }
    expect(list.items.map((r) => [r.subject, r.reason])).toEqual([
      ['kratom', 'secondary-source'],
      ['7-oh', 'secondary-source'],
    ])
    const kratom = list.items[0]!

    expect((await post(`/reviews/${kratom.id}/approve`, admin, {})).status).toBe(400)
    const res = await post(`/reviews/${kratom.id}/approve`, admin, { note: 'checked against the statute' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      review: Record<string, unknown>
      events: { type: string; after: { sources: { source_id: string }[] } }[]
    }
    expect(body.review).toMatchObject({
      state: 'approved',
      decided_by: expect.stringContaining('maintainer'),
      note: 'checked against the statute',
    })
    expect(body.events.map((e) => e.type)).toEqual(['status.changed'])
    expect(body.events[0]!.after.sources[0]!.source_id).toMatch(
      /us-tx-secondary-copy \(review \d+ approved by maintainer/,
    )
    expect(t.db.prepare(`SELECT COUNT(*) FROM status_records WHERE subject = 'kratom'`).pluck().get()).toBe(1)
    expect((await post(`/reviews/${kratom.id}/approve`, admin, { note: 'again' })).status).toBe(409)
  })

  it('rejecting keeps the review, marked, and the same disagreement is not queued again until the source changes', async () => {
    const { serve, post, get, admin, t } = await setup()
    serve('chapter-444-2026-11')
    await post('/scrapers/us-tx-secondary-copy/run', admin)
    const [first] = ((await (await get('/reviews', admin)).json()) as { items: { id: number }[] }).items
    const res = await post(`/reviews/${first!.id}/reject`, admin, { note: 'the aggregator is wrong' })
    expect(await res.json()).toMatchObject({ review: { state: 'rejected', note: 'the aggregator is wrong' } })
    // the run is forced (POST /run parses even unchanged pages): nothing new is queued
    expect(await (await post('/scrapers/us-tx-secondary-copy/run', admin)).json()).toMatchObject({
      counts: { held: 0, ignored: 2 },
    })
    const rejected = ((await (await get('/reviews?state=rejected', admin)).json()) as { items: { id: number }[] }).items
    expect(rejected.map((r) => r.id)).toEqual([first!.id])
    // the source says something else: queued again
    serve('chapter-444-amended-synthetic')
    t.clock.set('2026-11-27T12:00:00Z')
    expect(await (await post('/scrapers/us-tx-secondary-copy/run', admin)).json()).toMatchObject({
      counts: { held: 2 },
    })
  })
})

describe('GET /metrics', () => {
  it('exposes runs by scraper and outcome, fetch durations by host, browser memory and HTTP durations by route', async () => {
    const { serve, post, get, admin } = await setup()
    serve('chapter-444-2026-11')
    await post('/scrapers/us-tx-statutes-hs-444/run', admin)
    await get('/scrapers')
    expect((await get('/metrics')).status).toBe(401)
    const res = await get('/metrics', admin)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/kratomwatch_scrape_runs_total\{scraper="us-tx-statutes-hs-444",outcome="changed"\} [1-9]/)
    expect(text).toMatch(
      /kratomwatch_fetch_duration_seconds_count\{host="tcss.legis.texas.gov",kind="html",result="ok"\} [1-9]/,
    )
    expect(text).toContain('kratomwatch_browser_memory_bytes')
    expect(text).toMatch(
      /kratomwatch_http_request_duration_seconds_count\{method="GET",route="\/scrapers",status="200"\} [1-9]/,
    )
  })
})

describe('scraper routes in an API process (no scraping service)', () => {
  it('answers an empty run list for a registered scraper that has not run, and 404 for an unknown id', async () => {
    const { app } = testApp(testDb())
    const res = await app.request('/scrapers/us-tx-statutes-hs-444/runs')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ items: [], next_cursor: null })
    expect((await app.request('/scrapers/us-xx-nothing/runs')).status).toBe(404)
  })
})
