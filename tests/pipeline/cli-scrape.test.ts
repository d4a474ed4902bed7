import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../src/cli.js'
import { openDb } from '../../src/db/open.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import ecfr from '../../scrapers/us/us-ecfr-1308.js'
import federalRegister from '../../scrapers/us/us-federal-register.js'
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
  server.serveCase(texas as ScraperDefinition, fixtureCase(texas as ScraperDefinition, caseName))
  const path = `${tempDir()}/kw.db`
  for (const [k, v] of Object.entries({
    DATABASE_PATH: path,
    LOG_LEVEL: 'silent',
    ...scrapeTestEnv(server, { FETCH_RETRIES: '0' }),
  }))
    vi.stubEnv(k, v)
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')))
  return { server, path, lines }
}

describe('kratomwatch scrape', () => {
  it('runs the selected scraper with a progress line and a summary table, changing the database as the fixture says', async () => {
    const { path, lines } = await setup('chapter-444-amended-synthetic')
    expect(await runCli(['scrape', '--only', 'us-tx-statutes-hs-444'])).toBe(0)
    expect(lines[0]).toMatch(
      /^✓ us-tx-statutes-hs-444: changed \(run \d+\) in \d+ ms: 2 observations, 2 events, 0 held for review$/,
    )
    expect(lines).toContainEqual(
      expect.stringMatching(/^SCRAPER\s+OUTCOME\s+REASON\s+OBS\s+EVENTS\s+HELD\s+RUN\s+MS\s+PROVEN$/),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(/^us-tx-statutes-hs-444\s+changed\s+2\s+2\s+0\s+\d+\s+\d+\s+real-template$/),
    )
    const db = openDb(path, { readonly: true })
    expect(
      db
        .prepare(
          `SELECT min_age FROM status_records WHERE jurisdiction = 'US-TX' AND subject = 'kratom' AND valid_to IS NULL AND retracted_at IS NULL`,
        )
        .pluck()
        .get(),
    ).toBe(21)
    db.close()
  })

  it('a faulted source gives a degraded run, exit code 1, and no status change', async () => {
    const { server, path, lines } = await setup('chapter-444-amended-synthetic')
    server.fault(texas.sources.chapter.url, { kind: 'status', status: 503 })
    expect(await runCli(['scrape', '--jurisdiction', 'us-tx'])).toBe(1)
    expect(lines).toContainEqual(expect.stringMatching(/^✗ us-tx-statutes-hs-444: degraded .*: http .*HTTP 503/))
    const db = openDb(path, { readonly: true })
    expect(
      db
        .prepare(
          `SELECT min_age FROM status_records WHERE jurisdiction = 'US-TX' AND subject = 'kratom' AND valid_to IS NULL AND retracted_at IS NULL`,
        )
        .pluck()
        .get(),
    ).toBe(18)
    db.close()
  })

  it('--dry-run prints the observations and writes no run', async () => {
    const { path, lines } = await setup('chapter-444-2026-11')
    expect(await runCli(['scrape', '--only', 'us-tx-statutes-hs-444', '--dry-run'])).toBe(0)
    expect(lines[0]).toMatch(/2 observations \(dry run, nothing written\)/)
    const db = openDb(path, { readonly: true })
    expect(
      db.prepare(`SELECT COUNT(*) FROM scrape_runs WHERE scraper_id = 'us-tx-statutes-hs-444'`).pluck().get(),
    ).toBe(0)
    db.close()
  })

  it('names an unknown scraper', async () => {
    await setup('chapter-444-2026-11')
    await expect(runCli(['scrape', '--only', 'us-xx-nothing'])).rejects.toThrow(/scraper "us-xx-nothing" was not found/)
  })
})

describe('kratomwatch scrape --live --check', () => {
  it('fetches and parses every enabled source once, writes nothing, and reports ok / would change / degraded', async () => {
    const { server, path, lines } = await setup('chapter-444-amended-synthetic')
    // eCFR answers as recorded (ok: nothing to change); the Federal Register search is broken (503).
    const ecfrCase = fixtureCase(ecfr as ScraperDefinition, 'section-1308.11-2024-05-17')
    server.serveCase(ecfr as ScraperDefinition, ecfrCase)
    await server.serveFollowed(ecfr as ScraperDefinition, ecfrCase)
    server.fault(federalRegister.sources.search.url, { kind: 'status', status: 503 })
    const report = `${tempDir()}/live-check.json`
    // First start loads the curated baseline (Texas: regulated, 18+); the check compares against it.
    expect(await runCli(['scrape', '--live', '--check', '--jurisdiction', 'US', '--report', report])).toBe(1)
    const db = openDb(path, { readonly: true })
    expect(db.prepare('SELECT scraper_id, trigger FROM scrape_runs WHERE trigger != ?').all('baseline')).toEqual([])
    // Only the baseline's own snapshot (first start); no scraper document, no HTTP cache entry, no memory.
    expect(
      db
        .prepare(
          `SELECT COUNT(*) FROM run_documents d JOIN scrape_runs r ON r.id = d.run_id WHERE r.trigger != 'baseline'`,
        )
        .pluck()
        .get(),
    ).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM http_cache').pluck().get()).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM scraper_memory').pluck().get()).toBe(0)
    expect(
      db
        .prepare(
          `SELECT COUNT(*) FROM change_events WHERE run_id IN (SELECT id FROM scrape_runs WHERE trigger != 'baseline')`,
        )
        .pluck()
        .get(),
    ).toBe(0)
    expect(
      db
        .prepare(
          `SELECT min_age FROM status_records WHERE jurisdiction = 'US-TX' AND subject = 'kratom' AND valid_to IS NULL AND retracted_at IS NULL`,
        )
        .pluck()
        .get(),
    ).toBe(18)
    db.close()

    expect(lines).toContainEqual(expect.stringMatching(/^ok\s+us-ecfr-1308: 0 observations, nothing would change$/))
    expect(lines).toContainEqual(expect.stringMatching(/^would change\s+us-tx-statutes-hs-444: \d+ changes?$/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {4}US-TX kratom from \d{4}-\d{2}-\d{2}: regulated 18\+ .*→ regulated 21\+ .*\(min_age, conditions\)$/,
      ),
    )
    expect(lines).toContainEqual(expect.stringMatching(/^degraded\s+us-federal-register: http: .*503/))
    expect(lines).toContainEqual(expect.stringMatching(/^disabled\s+us-legiscan: .*LEGISCAN_API_KEY/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        /scrapers: \d+ ok, \d+ would change, \d+ degraded or failed, \d+ disabled\. Nothing was written\.$/,
      ),
    )

    const written = JSON.parse(readFileSync(report, 'utf8')) as {
      scrapers: {
        scraper_id: string
        outcome: string
        reason: string | null
        changes: { what: string; before: string; after: string }[]
      }[]
    }
    const byId = Object.fromEntries(written.scrapers.map((s) => [s.scraper_id, s]))
    expect(byId['us-ecfr-1308']).toMatchObject({ outcome: 'ok', changes: [] })
    expect(byId['us-federal-register']).toMatchObject({ outcome: 'degraded', reason: 'http' })
    expect(byId['us-tx-statutes-hs-444']!.outcome).toBe('would-change')
    expect(byId['us-tx-statutes-hs-444']!.changes.find((c) => c.what.startsWith('US-TX kratom'))).toMatchObject({
      before: expect.stringMatching(/^regulated 18\+/),
      after: expect.stringMatching(/^regulated 21\+/),
    })
  })

  it('exits 0 when every selected source answers, 1 when one is broken, and refuses half the flags', async () => {
    const { lines } = await setup('chapter-444-2026-11')
    expect(await runCli(['scrape', '--live', '--check', '--only', 'us-tx-statutes-hs-444'])).toBe(0)
    expect(lines).toContainEqual(expect.stringMatching(/^(ok|would change)\s+us-tx-statutes-hs-444: /))
    // Not served by the fixture server: a 404, as a moved document would answer.
    expect(await runCli(['scrape', '--live', '--check', '--only', 'us-ecfr-1308'])).toBe(1)
    expect(lines).toContainEqual(expect.stringMatching(/^degraded\s+us-ecfr-1308: http/))
    await expect(runCli(['scrape', '--check'])).rejects.toThrow(/--live --check/)
  })
})
