import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { loadConfig } from '../../src/config.js'
import { fixtureCases } from '../../src/scraping/fixtures.js'
import { loadRegistry, type RegisteredScraper } from '../../src/scraping/registry.js'
import { FOLLOWED_PREFIX, resolveUrl } from '../../src/scraping/run.js'
import { createScrapingService, type ScrapingService } from '../../src/scraping/service.js'
import { silentLogger } from '../../src/log.js'
import { CHROMIUM } from '../helpers/chromium.js'
import { testDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv, type FixtureServer } from '../helpers/fixture-server.js'

// Generic: every discovered scraper × every fixture case, through the real fetch layer (fixture
// server behind the origin override) and the real run pipeline. No per-scraper code here.
const registry: RegisteredScraper[] = await loadRegistry({ config: loadConfig({}), chromiumPath: CHROMIUM })

describe.each(registry.map((r) => [r.def.id, r] as const))('scraper %s', (_id, reg) => {
  let server: FixtureServer
  const services: ScrapingService[] = []
  beforeAll(async () => {
    server = await fixtureServer()
  })
  afterEach(async () => {
    while (services.length) await services.pop()!.stop(0)
  })
  afterAll(closeFixtureServers)

  const cases = fixtureCases(reg.def)

  // Without Chromium, browser scrapers are disabled (and say so); their cases cannot run here.
  const noBrowser = reg.disabled?.includes('Chromium') ?? false
  it.skipIf(noBrowser).each(cases.map((c) => [c.name, c] as const))('case %s', async (_name, fixture) => {
    // As in production (writer roles): built-in places plus the curated dataset's places and statuses.
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
    server.serveCase(reg.def, fixture, (u) => resolveUrl(u, config).url)
    await server.serveFollowed(reg.def, fixture, (u) => resolveUrl(u, config).url)
    const service = await createScrapingService({
      config,
      stores: t.stores,
      engine: t.engine,
      clock: t.clock,
      log: silentLogger,
      registry: [reg],
      httpBackoffMs: 5,
    })
    services.push(service)
    const result = await service.runner.run(reg.def, { trigger: 'test' })
    if (fixture.degraded) {
      expect(result.outcome, result.error ?? '').toBe('degraded')
      expect(result.events.filter((e) => e.type.startsWith('status.'))).toEqual([])
      expect(
        t.stores.db
          .prepare('SELECT COUNT(*) FROM status_records WHERE run_id IS NOT NULL AND run_id = ?')
          .pluck()
          .get(result.run_id),
      ).toBe(0)
      // The failing page is stored, so fixture:capture --from-run can turn it into a regression case.
      // (Followed documents fetched before the failure are stored too, as `followed.<name>`.)
      const docs = t.stores.runs.documents(result.run_id!).filter((d) => !d.source_name.startsWith(FOLLOWED_PREFIX))
      expect(docs.length).toBe(Object.keys(fixture.files).length)
      // Static sources store the bytes as served; browser sources the rendered DOM.
      const [source, file] = Object.entries(fixture.files)[0]!
      const stored = t.stores.runs.getSnapshot(docs.find((d) => d.source_name === source)!.snapshot_id)!.body
      if (reg.def.sources[source]!.kind === 'browser')
        expect(stored.toString('utf8')).toMatch(/^<!DOCTYPE html>|<html/i)
      else expect(stored.equals(readFileSync(file))).toBe(true)
      return
    }
    expect(result.outcome, result.error ?? '').toMatch(/^(changed|unchanged)$/)
    // The runner validated every observation (strict zod) before the diff; here they must match the reviewed file.
    const expectedPath = Object.values(fixture.files)[0]!.replace(/(@[^.]+)?\.[a-z]+$/, '.expected.json')
    await expect(JSON.stringify(result.observations, null, 2) + '\n').toMatchFileSnapshot(expectedPath)
  })
})
