import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { openDb } from '../../src/db/open.js'
import { silentLogger } from '../../src/log.js'
import { startService } from '../../src/main.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { tempDir } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'

describe('startService (role all)', () => {
  it('schedules the scrapers on their cron, serves GET /scrapers over HTTP, and shuts down cleanly', async () => {
    const server = await fixtureServer()
    server.serveCase(
      texas as ScraperDefinition,
      fixtureCase(texas as ScraperDefinition, 'chapter-444-amended-synthetic'),
    )
    const config = loadConfig({
      DATABASE_PATH: `${tempDir()}/kw.db`,
      PORT: '0',
      ...scrapeTestEnv(server, {
        SCHEDULER_ENABLED: 'true',
        SCHEDULER_CRON_OVERRIDE: '* * * * * *',
        SCHEDULER_MAX_DELAY_MS: '0',
        FETCH_RETRIES: '0',
      }),
    })
    const service = await startService(config, silentLogger)
    try {
      const base = `http://127.0.0.1:${service.port}`
      let tx: Record<string, unknown> | undefined
      for (let i = 0; i < 100 && !(tx?.last_run as { outcome?: string } | null)?.outcome; i++) {
        await new Promise((r) => setTimeout(r, 100))
        const body = (await (await fetch(`${base}/scrapers`)).json()) as { items: Record<string, unknown>[] }
        tx = body.items.find((h) => h.id === 'us-tx-statutes-hs-444')
      }
      // the baseline says 18+ from 2023; the (synthetic) amended page says 21+ from 2026-09-01
      expect(tx).toMatchObject({
        enabled: true,
        last_run: { outcome: 'changed' },
        next_run_at: expect.stringMatching(/^2\d{3}-/),
      })
      const view = (await (await fetch(`${base}/jurisdictions/US-TX`)).json()) as {
        subjects: { kratom: { own: { min_age: number } } }
      }
      expect(view.subjects.kratom.own.min_age).toBe(21)
    } finally {
      await service.stop()
      await closeFixtureServers()
    }
    expect(service.core.db.open).toBe(false)
    // every run was finished or marked abandoned before the database closed
    const db = openDb(config.DATABASE_PATH, { readonly: true })
    expect(db.prepare(`SELECT COUNT(*) FROM scrape_runs WHERE outcome = 'running'`).pluck().get()).toBe(0)
    db.close()
  })
})
