import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { createScheduler } from '../../src/scheduler.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import { createScrapingService, type ScrapingService } from '../../src/scraping/service.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { testDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'
import { deadOwner } from '../helpers/processes.js'

const services: ScrapingService[] = []
afterEach(async () => {
  while (services.length) await services.pop()!.stop(0)
  await closeFixtureServers()
})

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('scheduler', () => {
  it('triggers each job on its cron (UTC) and reports the next run; stop ends scheduling', async () => {
    let runs = 0
    const scheduler = createScheduler({
      log: silentLogger,
      maxRandomDelayMs: 0,
      jobs: [{ name: 'every-second', schedule: '* * * * * *', run: async () => void runs++ }],
    })
    await scheduler.start()
    expect(scheduler.nextRun('every-second')).toBeInstanceOf(Date)
    await until(() => runs >= 1)
    await scheduler.stop()
    const after = runs
    await new Promise((r) => setTimeout(r, 1200))
    expect(runs).toBe(after)
    expect(scheduler.nextRun('every-second')).toBeNull()
  })

  it('never overlaps a job with itself', async () => {
    let active = 0
    let maxActive = 0
    let runs = 0
    const scheduler = createScheduler({
      log: silentLogger,
      maxRandomDelayMs: 0,
      jobs: [
        {
          name: 'slow',
          schedule: '* * * * * *',
          run: async () => {
            active++
            maxActive = Math.max(maxActive, active)
            await new Promise((r) => setTimeout(r, 2100))
            active--
            runs++
          },
        },
      ],
    })
    await scheduler.start()
    await until(() => runs >= 1, 6000)
    await scheduler.stop()
    expect(maxActive).toBe(1)
  })

  it('the service schedules enabled scrapers, runs them on their cron, and shows the next run in health', async () => {
    const server = await fixtureServer()
    const t = testDb()
    const def = { ...texas, schedule: '* * * * * *' } as ScraperDefinition
    server.serveCase(def, fixtureCase(def, 'chapter-444-2026-11'))
    const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
    const disabled = { ...texas, id: 'us-tx-disabled' } as ScraperDefinition
    const service = await createScrapingService({
      config,
      stores: t.stores,
      engine: t.engine,
      clock: t.clock,
      log: silentLogger,
      httpBackoffMs: 1,
      registry: [
        { def, file: '', region: 'us-tx', disabled: null },
        { def: disabled, file: '', region: 'us-tx', disabled: 'needs X' },
      ],
    })
    services.push(service)
    // a run left "running" by a dead process is closed as failed when scheduling starts
    const stale = t.stores.runs.start(
      'us-tx-statutes-hs-444',
      '1',
      'schedule',
      '2026-11-25T11:00:00Z',
      await deadOwner(),
    )
    const scheduler = await service.startScheduler({ maxRandomDelayMs: 0 })
    expect(scheduler.names().sort()).toEqual(['maintenance', 'us-tx-statutes-hs-444'])
    expect(t.stores.runs.get(stale)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^abandoned/) })
    const health = service.health()
    expect(health.find((h) => h.id === 'us-tx-statutes-hs-444')!.next_run_at).toMatch(/^\d{4}-/)
    expect(health.find((h) => h.id === 'us-tx-disabled')).toMatchObject({
      enabled: false,
      disabled_reason: 'needs X',
      next_run_at: null,
    })
    await until(
      () =>
        t.db
          .prepare(`SELECT COUNT(*) FROM scrape_runs WHERE trigger = 'schedule' AND outcome = 'changed'`)
          .pluck()
          .get() === 1,
    )
    await service.stop(5000)
  })
})
