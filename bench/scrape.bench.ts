/**
 * Scrape-cycle benchmark against the local fixture server: N static sources (the Texas statute
 * scraper) and M browser sources (the JS-rendered state map) through the real fetch layer and run
 * pipeline into a temp database. Prints pages/min per kind and the peak RSS of this process and of
 * the shared browser. Targets (2 cores): static ≥ 500 pages/min, browser ≥ 120 pages/min, browser < 600 MB.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pLimit from 'p-limit'
import { seedJurisdictions } from '../src/baseline/load.js'
import { loadConfig } from '../src/config.js'
import { migrate } from '../src/db/migrate.js'
import { openDb } from '../src/db/open.js'
import { createStores } from '../src/db/stores/index.js'
import { createDiffEngine } from '../src/diff/engine.js'
import { browserMemoryMb } from '../src/fetch/browser.js'
import { silentLogger } from '../src/log.js'
import type { ScraperDefinition } from '../src/scraping/define-scraper.js'
import { fixtureCase } from '../src/scraping/fixtures.js'
import { createScrapingService } from '../src/scraping/service.js'
import aka from '../scrapers/us/us-aka-state-map.js'
import texas from '../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { closeFixtureServers, fixtureServer } from '../tests/helpers/fixture-server.js'
import { record, type Figure } from './table.js'

const STATIC = Number(process.env.BENCH_STATIC ?? 400)
const BROWSER = Number(process.env.BENCH_BROWSER ?? 60)

/** Copies of a scraper, each on its own host, so per-host pacing does not serialise them. */
function copies(def: ScraperDefinition, n: number, prefix: string): ScraperDefinition[] {
  return Array.from({ length: n }, (_, i) => {
    const sources = Object.fromEntries(
      Object.entries(def.sources).map(([k, s]) => [k, { ...s, url: s.url.replace('://', `://${prefix}${i}.`) }]),
    )
    return { ...def, id: `${def.id}-bench-${i}`, sources } as ScraperDefinition
  })
}

export default async function scrapeBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  const server = await fixtureServer()
  const db = openDb(join(dir, 'bench.db'))
  migrate(db)
  const stores = createStores(db)
  seedJurisdictions(stores)
  const engine = createDiffEngine(stores)
  const statics = copies(texas as ScraperDefinition, STATIC, 's')
  const browsers = copies(aka as ScraperDefinition, BROWSER, 'b')
  const txCase = fixtureCase(texas as ScraperDefinition, 'chapter-444-2026-11')
  const akaCase = fixtureCase(aka as ScraperDefinition, 'state-list-2026-11')
  for (const d of statics) server.serveCase(d, { ...txCase })
  for (const d of browsers) server.serveCase(d, { ...akaCase })
  const config = loadConfig({
    DATABASE_PATH: join(dir, 'bench.db'),
    FETCH_ORIGIN_OVERRIDE: server.origin,
    FETCH_HOST_DELAY_MS: '0',
    FETCH_CONCURRENCY: '8',
    BROWSER_CONCURRENCY: '2',
    SCHEDULER_ENABLED: 'false',
  })
  const service = await createScrapingService({
    config,
    stores,
    engine,
    clock: () => new Date(),
    log: silentLogger,
    registry: [...statics, ...browsers].map((def) => ({ def, file: '', region: 'bench', disabled: null })),
  })

  let peakRss = 0
  let peakBrowser = 0
  // Sampling /proc for Chromium's memory costs a few ms: twice a second is enough for a peak.
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss / 1048576)
    peakBrowser = Math.max(peakBrowser, browserMemoryMb() ?? 0)
  }, 500)

  const runAll = async (defs: ScraperDefinition[], concurrency: number) => {
    const limit = pLimit(concurrency)
    const t0 = performance.now()
    const results = await Promise.all(defs.map((d) => limit(() => service.runner.run(d, { trigger: 'test' }))))
    const seconds = (performance.now() - t0) / 1000
    const bad = results.filter((r) => r.outcome === 'degraded' || r.outcome === 'failed')
    if (bad.length) console.log(`  ${bad.length} runs not ok, first: ${bad[0]!.reason} ${bad[0]!.error}`)
    return { pagesPerMin: (defs.length / seconds) * 60, seconds }
  }

  const s = await runAll(statics, 8)
  console.log(
    `static : ${STATIC} pages in ${s.seconds.toFixed(2)} s → ${s.pagesPerMin.toFixed(0)} pages/min (target ≥ 500)`,
  )
  const b = await runAll(browsers, 4)
  console.log(
    `browser: ${BROWSER} pages in ${b.seconds.toFixed(2)} s → ${b.pagesPerMin.toFixed(0)} pages/min (target ≥ 120), ${service.fetcher.browserLaunches()} browser launch(es)`,
  )
  clearInterval(sampler)
  console.log(`peak RSS: process ${peakRss.toFixed(0)} MB, browser ${peakBrowser.toFixed(0)} MB (target < 600 MB)`)
  await service.stop(0)
  await closeFixtureServers()
  db.close()
  rmSync(dir, { recursive: true, force: true })
  return [
    record('scraping: static pages/min', s.pagesPerMin.toFixed(0), '≥ 500', s.pagesPerMin >= 500),
    record('scraping: browser pages/min', b.pagesPerMin.toFixed(0), '≥ 120', b.pagesPerMin >= 120),
    record(
      'scraping: browser peak memory',
      `${peakBrowser.toFixed(0)} MB`,
      '< 600 MB',
      peakBrowser > 0 && peakBrowser < 600,
    ),
  ]
}
