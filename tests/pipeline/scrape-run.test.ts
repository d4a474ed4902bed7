import { afterEach, describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import { STALE_RUN_MS } from '../../src/scraping/run.js'
import { createScrapingService, type ScrapingService } from '../../src/scraping/service.js'
import aka from '../../scrapers/us/us-aka-state-map.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { testDb, type TestDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'
import { deadOwner, liveOwner } from '../helpers/processes.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { itWithBrowser } from '../helpers/chromium.js'

const services: ScrapingService[] = []
afterEach(async () => {
  while (services.length) await services.pop()!.stop(0)
  await closeFixtureServers()
})

const TX_URL = texas.sources.chapter.url

async function setup(
  defs: ScraperDefinition[] = [texas as ScraperDefinition],
  options: { baseline?: boolean; env?: Record<string, string> } = {},
) {
  const server = await fixtureServer()
  const t = testDb()
  if (options.baseline) loadBaseline(t.stores, t.engine, undefined, t.clock)
  const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server, options.env) })
  const service = await createScrapingService({
    config,
    stores: t.stores,
    engine: t.engine,
    clock: t.clock,
    log: silentLogger,
    registry: defs.map((def) => ({ def, file: '', region: '', disabled: null })),
    httpBackoffMs: 1,
  })
  services.push(service)
  const serve = (def: ScraperDefinition, name: string) => server.serveCase(def, fixtureCase(def, name))
  return { server, t, service, serve }
}

const statusRows = (t: TestDb) =>
  t.db
    .prepare(
      'SELECT jurisdiction, subject, status, min_age, valid_from, valid_to FROM status_records WHERE retracted_at IS NULL ORDER BY subject, valid_from',
    )
    .all()

describe('scrape run pipeline', () => {
  it('before/after fixture pair: exactly the expected change events, in a real file database', async () => {
    const { t, service, serve } = await setup()
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    const before = await service.run('us-tx-statutes-hs-444')
    expect(before.outcome).toBe('changed')
    expect(before.events.map((e) => [e.type, e.subject, e.effective_date, e.after?.status, e.after?.min_age])).toEqual([
      ['status.changed', 'kratom', '2023-09-01', 'regulated', 18],
      ['status.changed', '7-oh', '2023-09-01', 'restricted', 18],
    ])

    t.clock.set('2026-11-26T12:00:00Z')
    serve(texas as ScraperDefinition, 'chapter-444-amended-synthetic')
    const after = await service.run('us-tx-statutes-hs-444')
    expect(after.outcome).toBe('changed')
    expect(
      after.events.map((e) => [
        e.type,
        e.subject,
        e.effective_date,
        e.changed_fields,
        e.before?.min_age,
        e.after?.min_age,
      ]),
    ).toEqual([
      ['status.changed', 'kratom', '2026-09-01', ['min_age', 'conditions'], 18, 21],
      ['status.changed', '7-oh', '2026-09-01', ['min_age'], 18, 21],
    ])
    for (const e of after.events) {
      expect(e.run_id).toBe(after.run_id)
      expect(after.snapshot_ids).toContain(e.snapshot_id)
      expect(e.scraper_id).toBe('us-tx-statutes-hs-444')
    }
    expect(statusRows(t)).toEqual([
      {
        jurisdiction: 'US-TX',
        subject: '7-oh',
        status: 'restricted',
        min_age: 18,
        valid_from: '2023-09-01',
        valid_to: '2026-09-01',
      },
      {
        jurisdiction: 'US-TX',
        subject: '7-oh',
        status: 'restricted',
        min_age: 21,
        valid_from: '2026-09-01',
        valid_to: null,
      },
      {
        jurisdiction: 'US-TX',
        subject: 'kratom',
        status: 'regulated',
        min_age: 18,
        valid_from: '2023-09-01',
        valid_to: '2026-09-01',
      },
      {
        jurisdiction: 'US-TX',
        subject: 'kratom',
        status: 'regulated',
        min_age: 21,
        valid_from: '2026-09-01',
        valid_to: null,
      },
    ])
  })

  it('agrees with the curated baseline: no change in law, the rows are verified by the scraper and described by the statute', async () => {
    const { t, service, serve } = await setup([texas as ScraperDefinition], { baseline: true })
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    const result = await service.run('us-tx-statutes-hs-444')
    expect(result.counts).toMatchObject({ confirmed: 2, held: 0 })
    // The statute is an official source the curated rows lacked: details refined, never a status change.
    expect(new Set(result.events.map((e) => e.type))).toEqual(new Set(['status.details_updated']))
    for (const subject of ['kratom', '7-oh']) {
      const row = t.stores.timeline.rows('US-TX', subject).at(-1)!
      expect(row).toMatchObject({ verified_by: 'us-tx-statutes-hs-444', verified_at: t.clock().toISOString() })
      expect(row.sources.some((s) => s.kind === 'official' && s.source_id === 'us-tx-statutes-hs-444')).toBe(true)
    }
    const again = await service.run('us-tx-statutes-hs-444')
    expect(again).toMatchObject({ outcome: 'unchanged', events: [] })
  })

  it('skips as unchanged only when both content hash and parser version are unchanged', async () => {
    const { server, service, serve, t } = await setup()
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    expect((await service.run('us-tx-statutes-hs-444')).skipped).toBe(false)
    const second = await service.run('us-tx-statutes-hs-444')
    expect(second).toMatchObject({ outcome: 'unchanged', skipped: true })
    // the second fetch was conditional and answered 304
    expect(server.requests.filter((r) => r.path.endsWith('HS.444.htm')).at(-1)!.headers['if-none-match']).toBeTruthy()
    expect(t.stores.runs.documents(second.run_id!)[0]!.snapshot_id).toBe(second.snapshot_ids[0])
    const bumped = { ...texas, parserVersion: `${texas.parserVersion}-bumped` } as ScraperDefinition
    const third = await service.runner.run(bumped)
    expect(third).toMatchObject({ outcome: 'unchanged', skipped: false, counts: { confirmed: 2 } })
  })

  it('a faulted source gives a degraded run that changes no status; 3 in a row raise scraper.degraded, the next good run scraper.recovered', async () => {
    const { server, service, serve, t } = await setup()
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    server.fault(TX_URL, { kind: 'status', status: 500 })
    const outcomes = []
    for (let i = 0; i < 4; i++) outcomes.push(await service.run('us-tx-statutes-hs-444'))
    expect(outcomes.map((o) => [o.outcome, o.reason])).toEqual(Array(4).fill(['degraded', 'http']))
    expect(outcomes.map((o) => o.events.map((e) => e.type))).toEqual([[], [], ['scraper.degraded'], []])
    expect(outcomes[2]!.events[0]).toMatchObject({
      scraper_id: 'us-tx-statutes-hs-444',
      jurisdiction: null,
      after: { health: 'degraded', failures: 3, reason: 'http' },
    })
    expect(statusRows(t)).toEqual([])

    server.clearFaults()
    const good = await service.run('us-tx-statutes-hs-444')
    expect(good.events.map((e) => e.type)).toEqual(['status.changed', 'status.changed', 'scraper.recovered'])
    const health = service.health().find((h) => h.id === 'us-tx-statutes-hs-444')!
    expect(health).toMatchObject({
      consecutive_failures: 0,
      success_rate: 0.2,
      runs_considered: 5,
      last_run: { outcome: 'changed' },
    })
  })

  it.each([
    ['bot wall', { kind: 'bot-wall' } as const, 'blocked'],
    ['slow past the timeout', { kind: 'slow', ms: 1200 } as const, 'timeout'],
    ['429 with Retry-After', { kind: 'retry-after', seconds: 1 } as const, 'blocked'],
  ])('%s → degraded (%s), no status', async (_name, fault, reason) => {
    const { server, service, serve, t } = await setup([texas as ScraperDefinition], {
      env: { FETCH_TIMEOUT_MS: '300', FETCH_RETRIES: '1' },
    })
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    server.fault(TX_URL, fault)
    const result = await service.run('us-tx-statutes-hs-444')
    expect(result).toMatchObject({ outcome: 'degraded', reason })
    expect(statusRows(t)).toEqual([])
  })

  it('robots.txt that forbids → degraded (blocked) without fetching the page', async () => {
    const { server, service, serve } = await setup()
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    server.robots('tcss.legis.texas.gov', 'User-agent: *\nDisallow: /resources/\n')
    expect(await service.run('us-tx-statutes-hs-444')).toMatchObject({ outcome: 'degraded', reason: 'blocked' })
    expect(server.hits(TX_URL)).toBe(0)
  })

  it('a changed layout → degraded (structure), with the page kept for fixture:capture', async () => {
    const { service, serve, t } = await setup()
    serve(texas as ScraperDefinition, 'layout-changed.degraded')
    const result = await service.run('us-tx-statutes-hs-444')
    expect(result).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(t.stores.runs.getSnapshot(result.snapshot_ids[0]!)!.body.toString()).toContain('statute-viewer')
    expect(t.stores.runs.get(result.run_id!)).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  itWithBrowser('browser source through real Chromium; a secondary source alone only queues a review', async () => {
    const { service, serve, t } = await setup([aka as ScraperDefinition], { baseline: true })
    serve(aka as ScraperDefinition, 'state-list-texas-ban-synthetic')
    const result = await service.run('us-aka-state-map')
    expect(result.outcome).toBe('unchanged')
    expect(result.events).toEqual([])
    const held = t.stores.reviews.list({ state: 'pending', limit: 50 })
    expect(result.counts.held).toBe(held.length)
    expect(held.find((r) => r.jurisdiction === 'US-TX')).toMatchObject({
      reason: 'secondary-source',
      source_id: 'us-aka-state-map',
      observation: { status: 'banned' },
    })
    // Alabama: the map agrees with the timeline (banned, no conditions): nothing to review
    expect(held.find((r) => r.jurisdiction === 'US-AL')).toBeUndefined()
    // parsing the same page again does not queue the same disagreement twice
    const again = await service.runner.run(aka as ScraperDefinition, { force: true })
    expect(again.counts).toMatchObject({ held: 0, ignored: 5 })
  })

  it('dry run fetches and parses but writes nothing', async () => {
    const { service, serve, t } = await setup()
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    const result = await service.run('us-tx-statutes-hs-444', { dryRun: true })
    expect(result).toMatchObject({ run_id: null, events: [] })
    expect(result.observations).toHaveLength(2)
    expect(t.db.prepare('SELECT COUNT(*) FROM scrape_runs').pluck().get()).toBe(0)
    expect(t.db.prepare('SELECT COUNT(*) FROM snapshots').pluck().get()).toBe(0)
  })

  it('maintenance activates due scheduled changes and prunes unreferenced old snapshots', async () => {
    const { service, serve, t } = await setup()
    t.clock.set('2026-06-01T12:00:00Z')
    serve(texas as ScraperDefinition, 'chapter-444-2026-11')
    await service.run('us-tx-statutes-hs-444')
    serve(texas as ScraperDefinition, 'chapter-444-amended-synthetic')
    const scheduled = await service.run('us-tx-statutes-hs-444')
    expect(scheduled.events.map((e) => e.type)).toEqual(['status.scheduled', 'status.scheduled'])
    // an unreferenced snapshot from a degraded run
    const orphan = t.stores.runs.putSnapshot('<html>old junk</html>', 'text/html', '2026-01-01T00:00:00Z')

    t.clock.set('2026-09-02T12:00:00Z')
    const done = service.maintenance()
    expect(done.activated).toBe(2)
    expect(done.pruned).toBe(1)
    expect(t.stores.runs.getSnapshot(orphan.id)).toBeUndefined()
    for (const id of scheduled.snapshot_ids) expect(t.stores.runs.getSnapshot(id)).toBeDefined()
  })
})

describe('abandoned runs', () => {
  it("at shutdown marks only this runner's unfinished runs; at start-up sweeps what a dead process left, not a live one's", async () => {
    const { t, service } = await setup()
    // A run row another live process (say a CLI `scrape`) has open at the same time, and one a killed process left.
    const foreign = t.stores.runs.start('us-tx-statutes-hs-444', '1', 'cli', t.clock().toISOString(), await liveOwner())
    const killed = t.stores.runs.start('us-tx-statutes-hs-444', '1', 'cli', t.clock().toISOString(), await deadOwner())
    expect(service.runner.abandonRunning('the service stopped during the run', 'mine')).toBe(0)
    expect(t.stores.runs.get(foreign)!.outcome).toBe('running')
    expect(service.runner.abandonRunning('the previous process ended during the run', 'dead')).toBe(1)
    expect(t.stores.runs.get(foreign)!.outcome).toBe('running')
    expect(t.stores.runs.get(killed)).toMatchObject({
      outcome: 'failed',
      error: 'abandoned: the previous process ended during the run',
    })
    // A row older than any run can last is abandoned whoever owns it (a reused pid, another host).
    t.clock.set(new Date(t.clock().getTime() + STALE_RUN_MS + 1000).toISOString())
    expect(service.runner.abandonRunning('the previous process ended during the run', 'dead')).toBe(1)
    expect(t.stores.runs.get(foreign)!.outcome).toBe('failed')
  })
})
