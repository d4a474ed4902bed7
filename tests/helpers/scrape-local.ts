import { readDataset } from '../../src/baseline/load.js'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCases } from '../../src/scraping/fixtures.js'
import { resolveUrl } from '../../src/scraping/run.js'
import { createScrapingService } from '../../src/scraping/service.js'
import { testDb } from './db.js'
import { fixtureServer, scrapeTestEnv } from './fixture-server.js'

/**
 * `scrapeFixture` for scrapers of counties and cities: the same run through the real fetch layer and
 * pipeline, on a database that also knows the dataset's local jurisdictions (`US-CA-SOLANA-BEACH` …),
 * which `testDb()` alone does not seed (only the built-in ISO places).
 * TODO(#3): fold into scrapeFixture (and the contract test) once they seed the dataset's places.
 */
export async function scrapeLocalFixture(def: ScraperDefinition, caseName: string) {
  const fixture = fixtureCases(def).find((c) => c.name === caseName)
  if (!fixture) throw new Error(`no fixture case "${caseName}" in fixtures/${def.id}/`)
  const server = await fixtureServer()
  const t = testDb()
  t.stores.jurisdictions.upsert(readDataset().jurisdictions, 'dataset')
  const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
  server.serveCase(def, fixture, (u) => resolveUrl(u, config).url)
  const service = await createScrapingService({ config, stores: t.stores, engine: t.engine, clock: t.clock, log: silentLogger, registry: [{ def, file: '', region: '', disabled: null }], httpBackoffMs: 5 })
  try {
    return { ...(await service.runner.run(def, { trigger: 'test' })), db: t }
  } finally {
    await service.stop(0)
    await server.close()
  }
}
