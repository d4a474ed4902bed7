import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../src/cli.js'
import { openDb } from '../../src/db/open.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCases } from '../../src/scraping/fixtures.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { tempDir } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'

afterEach(async () => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  await closeFixtureServers()
})

async function setup(caseName: string) {
  const server = await fixtureServer()
  server.serveCase(texas as ScraperDefinition, fixtureCases(texas as ScraperDefinition).find((c) => c.name === caseName)!)
  const path = `${tempDir()}/kw.db`
  for (const [k, v] of Object.entries({ DATABASE_PATH: path, LOG_LEVEL: 'silent', ...scrapeTestEnv(server, { FETCH_RETRIES: '0' }) })) vi.stubEnv(k, v)
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')))
  return { server, path, lines }
}

describe('kratomwatch scrape', () => {
  it('runs the selected scraper with a progress line and a summary table, changing the database as the fixture says', async () => {
    const { path, lines } = await setup('chapter-444-amended-synthetic')
    expect(await runCli(['scrape', '--only', 'us-tx-statutes-hs-444'])).toBe(0)
    expect(lines[0]).toMatch(/^✓ us-tx-statutes-hs-444: changed \(run \d+\) in \d+ ms: 2 observations, 2 events, 0 held for review$/)
    expect(lines).toContainEqual(expect.stringMatching(/^SCRAPER\s+OUTCOME\s+REASON\s+OBS\s+EVENTS\s+HELD\s+RUN\s+MS$/))
    expect(lines).toContainEqual(expect.stringMatching(/^us-tx-statutes-hs-444\s+changed\s+2\s+2\s+0\s+\d+\s+\d+$/))
    const db = openDb(path, { readonly: true })
    expect(db.prepare(`SELECT min_age FROM status_records WHERE jurisdiction = 'US-TX' AND subject = 'kratom' AND valid_to IS NULL AND retracted_at IS NULL`).pluck().get()).toBe(21)
    db.close()
  })

  it('a faulted source gives a degraded run, exit code 1, and no status change', async () => {
    const { server, path, lines } = await setup('chapter-444-amended-synthetic')
    server.fault(texas.sources.chapter.url, { kind: 'status', status: 503 })
    expect(await runCli(['scrape', '--jurisdiction', 'us-tx'])).toBe(1)
    expect(lines).toContainEqual(expect.stringMatching(/^✗ us-tx-statutes-hs-444: degraded .*: http .*HTTP 503/))
    const db = openDb(path, { readonly: true })
    expect(db.prepare(`SELECT min_age FROM status_records WHERE jurisdiction = 'US-TX' AND subject = 'kratom' AND valid_to IS NULL AND retracted_at IS NULL`).pluck().get()).toBe(18)
    db.close()
  })

  it('--dry-run prints the observations and writes no run', async () => {
    const { path, lines } = await setup('chapter-444-2026-11')
    expect(await runCli(['scrape', '--only', 'us-tx-statutes-hs-444', '--dry-run'])).toBe(0)
    expect(lines[0]).toMatch(/2 observations \(dry run, nothing written\)/)
    const db = openDb(path, { readonly: true })
    expect(db.prepare(`SELECT COUNT(*) FROM scrape_runs WHERE scraper_id = 'us-tx-statutes-hs-444'`).pluck().get()).toBe(0)
    db.close()
  })

  it('names an unknown scraper', async () => {
    await setup('chapter-444-2026-11')
    await expect(runCli(['scrape', '--only', 'us-xx-nothing'])).rejects.toThrow(/scraper "us-xx-nothing" was not found/)
  })
})
