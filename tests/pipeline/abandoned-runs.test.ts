import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { migrate } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'
import { silentLogger } from '../../src/log.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import { createScrapingService } from '../../src/scraping/service.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { tempDir, testDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'
import { cliProcess, serveProcess } from '../helpers/processes.js'

afterEach(() => closeFixtureServers())

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TX = 'us-tx-statutes-hs-444'

describe('killed runs', () => {
  it('a SIGKILLed CLI scrape is marked failed by the next CLI scrape or service start, while a live one is left running', async () => {
    const sources = await fixtureServer()
    sources.serveCase(texas as ScraperDefinition, fixtureCase(texas as ScraperDefinition, 'chapter-444-2026-11'))
    const DATABASE_PATH = join(tempDir(), 'kw.db')
    const setup = openDb(DATABASE_PATH)
    migrate(setup)
    setup.close()
    const env = {
      ...process.env,
      DATABASE_PATH,
      ...scrapeTestEnv(sources, { FETCH_RETRIES: '0', FETCH_TIMEOUT_MS: '60000' }),
      LOG_LEVEL: 'error',
    }
    const db = openDb(DATABASE_PATH, { readonly: true })
    onTestFinished(() => {
      db.close()
    })
    const runs = () =>
      db.prepare(`SELECT id, outcome, error FROM scrape_runs WHERE scraper_id = ? ORDER BY id`).all(TX) as {
        id: number
        outcome: string
        error: string | null
      }[]

    /** Starts `kratomwatch scrape` on a page held until `sources.release`; resolves once its run row is `running`. */
    const heldScrape = async () => {
      sources.fault(texas.sources.chapter.url, { kind: 'hold', times: 1 })
      const before = runs().length
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--conditions=source', 'src/cli.ts', 'scrape', '--only', TX],
        {
          cwd: ROOT,
          env,
          stdio: 'ignore',
        },
      )
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      onTestFinished(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      })
      // Wait until the page request is in flight (the fault then holds it), not merely the row written.
      const hits = sources.hits(texas.sources.chapter.url)
      for (let i = 0; i < 400 && (runs().length === before || sources.hits(texas.sources.chapter.url) === hits); i++)
        await new Promise((resolve) => setTimeout(resolve, 50))
      const row = runs().at(-1)!
      expect(row.outcome).toBe('running')
      return { child, exited, id: row.id }
    }

    // 1. Killed mid-run; the next CLI scrape (no scheduler anywhere) marks it failed and runs normally.
    const first = await heldScrape()
    first.child.kill('SIGKILL')
    await first.exited
    const next = await cliProcess(['scrape', '--only', TX], env as Record<string, string>)
    expect(next.code, next.stdout + next.stderr).toBe(0)
    expect(runs().find((r) => r.id === first.id)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^abandoned: /),
    })
    expect(['changed', 'unchanged']).toContain(runs().at(-1)!.outcome)

    // 2. A CLI scrape is live; another is killed. A service with SCHEDULER_ENABLED=false starts:
    //    it marks the dead process's run failed and leaves the live one running, which then finishes.
    const live = await heldScrape()
    const killed = await heldScrape()
    killed.child.kill('SIGKILL')
    await killed.exited
    const server = await serveProcess({
      ...(env as Record<string, string>),
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'info',
    })
    expect(runs().find((r) => r.id === killed.id)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^abandoned: /),
    })
    expect(runs().find((r) => r.id === live.id)!.outcome).toBe('running')
    sources.release(texas.sources.chapter.url)
    expect(await live.exited, 'the live scrape succeeds').toBe(0)
    expect(['changed', 'unchanged']).toContain(runs().find((r) => r.id === live.id)!.outcome)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  }, 150_000)

  it("records a run's outcome in the transaction of its changes: a crash before the row is finished leaves no change behind", async () => {
    const server = await fixtureServer()
    server.serveCase(texas as ScraperDefinition, fixtureCase(texas as ScraperDefinition, 'chapter-444-2026-11'))
    const t = testDb()
    const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
    const service = await createScrapingService({
      config,
      stores: t.stores,
      engine: t.engine,
      clock: t.clock,
      log: silentLogger,
      registry: [{ def: texas as ScraperDefinition, file: '', region: '', disabled: null }],
      httpBackoffMs: 1,
    })
    onTestFinished(() => service.stop(0))
    // The process "dies" right after the engine wrote its changes, as the run row is being finished.
    const finish = t.stores.runs.finish
    vi.spyOn(t.stores.runs, 'finish').mockImplementationOnce(() => {
      throw new Error('simulated crash between the changes and the run row')
    })
    const crashed = await service.run(TX)
    expect(crashed.outcome).toBe('failed')
    const events = t.db.prepare('SELECT COUNT(*) FROM change_events WHERE run_id = ?').pluck().get(crashed.run_id)
    const statuses = t.db.prepare(`SELECT COUNT(*) FROM status_records WHERE jurisdiction = 'US-TX'`).pluck().get()
    // A failed run changed nothing: not "failed" beside the changes it made.
    expect({ events, statuses }).toEqual({ events: 0, statuses: 0 })
    expect(t.stores.runs.finish).not.toBe(finish)
    vi.restoreAllMocks()

    // The next run finds the same changes and records them, with its outcome.
    t.clock.set('2026-11-25T13:00:00Z')
    const next = await service.run(TX, { force: true })
    expect(next.outcome).toBe('changed')
    expect(t.db.prepare('SELECT COUNT(*) FROM change_events WHERE run_id = ?').pluck().get(next.run_id)).toBe(2)
  })
})
