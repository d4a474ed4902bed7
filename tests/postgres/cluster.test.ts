import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../src/db/migrate.js'
import { openPostgres } from '../../src/db/postgres/database.js'
import { createStores } from '../../src/db/stores/index.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { postgresTestDatabase } from '../helpers/db.js'
import { fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'
import { serveProcess, type ServeProcess } from '../helpers/processes.js'
import { receiver } from '../webhooks/receiver.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const SCRAPER = 'us-tx-statutes-hs-444'
const SUBSCRIPTIONS = 150

const t0 = Date.now()
async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const got = await probe()
    if (got) {
      process.stderr.write(`[cluster +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`)
      return got
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

/** The Texas kratom minimum age an API node serves now. */
async function texasAge(node: ServeProcess): Promise<number | null> {
  const res = await fetch(`${node.base}/jurisdictions/US-TX`)
  const body = (await res.json()) as { subjects: { kratom: { own: { min_age: number | null } | null } } }
  return body.subjects.kratom.own?.min_age ?? null
}

describe('several nodes on one PostgreSQL database', () => {
  it('2 workers and 2 API nodes: a scheduled scrape and a webhook fan-out survive a SIGKILLed worker, nothing runs or is sent twice at once, both API nodes serve the change within a second', async () => {
    const url = postgresTestDatabase()
    const setup = openPostgres(url)
    migrate(setup)
    const stores = createStores(setup)
    const now = new Date().toISOString()
    const { record } = stores.keys.create('cluster', true, now)
    const sources = await fixtureServer()
    const serveCase = (name: string) =>
      sources.serveCase(texas as ScraperDefinition, fixtureCase(texas as ScraperDefinition, name))
    serveCase('chapter-444-2026-11')
    // Each attempt takes a little while, so the fan-out is still going when a worker is killed.
    const hooks = await receiver({ secrets: () => [], answer: () => ({ status: 200, delayMs: 60 }) })
    for (let i = 0; i < SUBSCRIPTIONS; i++)
      stores.webhooks.create(
        `ep_cluster_${String(i).padStart(3, '0')}`,
        record.id,
        {
          url: hooks.url,
          description: null,
          events: [],
          jurisdictions: ['US-TX'],
          include_descendants: false,
          subjects: [],
        },
        `whsec_${randomBytes(32).toString('base64')}`,
        now,
      )

    const env = {
      DATABASE_URL: url,
      ...scrapeTestEnv(sources, { FETCH_RETRIES: '0' }),
      SCHEDULER_ENABLED: 'true',
      SCHEDULER_CRON_OVERRIDE: '*/2 * * * * *',
      SCHEDULER_ONLY: SCRAPER,
      SCHEDULER_MAX_DELAY_MS: '0',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_CONCURRENCY: '8',
    }
    // Both workers start at once on a fresh database: one loads the baseline, the other finds it loaded.
    const workers = await Promise.all([
      serveProcess(env, ['--role', 'worker']),
      serveProcess(env, ['--role', 'worker']),
    ])
    const apis = await Promise.all([serveProcess(env, ['--role', 'api']), serveProcess(env, ['--role', 'api'])])
    const q = (sql: string, ...params: unknown[]) => setup.prepare(sql).all(...params) as Record<string, unknown>[]
    // Two writers started together: the second found the baseline loaded under the write lock, and applied nothing.
    expect(q(`SELECT COUNT(*) AS n FROM scrape_runs WHERE trigger = 'baseline'`)).toEqual([{ n: 1 }])

    // The first scheduled scrape changes Texas (ch. 444 from the curated row): one worker runs it and fans out.
    await until('the first change', () => q(`SELECT 1 FROM change_events WHERE scraper_id = ?`, SCRAPER).length > 0)
    // A worker is killed while it is sending: deliveries it claimed are in flight, and only the other can finish them.
    const owner = await until(
      'a worker sending deliveries',
      () =>
        q(
          `SELECT claimed_by FROM webhook_deliveries WHERE state = 'delivering' GROUP BY claimed_by HAVING COUNT(*) >= 3 LIMIT 1`,
        )[0]?.claimed_by as string,
    )
    const victim = workers.find((w) => `${hostname()}:${w.child.pid}` === owner)!
    const survivor = workers.find((w) => w !== victim)!
    victim.child.kill('SIGKILL')
    await victim.exited

    // The law changes again (minimum age 21): the surviving worker's next tick records it.
    serveCase('chapter-444-amended-synthetic')
    const seenAt = await until('the second change', () =>
      q(`SELECT 1 FROM change_events WHERE scraper_id = ? AND after_json LIKE '%"min_age":21%'`, SCRAPER).length > 0
        ? Date.now()
        : null,
    )
    // Every API node serves it within a second of its commit (LISTEN/NOTIFY drops their read caches).
    await until('both API nodes serving age 21', async () =>
      (await Promise.all(apis.map(texasAge))).every((age) => age === 21),
    )
    expect(Date.now() - seenAt).toBeLessThan(1000)

    // Every delivery arrives: the dead worker's deliveries in flight are resumed by the live one.
    await until(
      'every delivery succeeded',
      () =>
        q(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state <> 'succeeded'`)[0]!.n === 0 &&
        (q(`SELECT COUNT(*) AS n FROM webhook_deliveries`)[0]!.n as number) > SUBSCRIPTIONS,
      90_000,
    )
    const deliveries = q(`SELECT id FROM webhook_deliveries`).map((r) => r.id as string)
    const received = new Set(hooks.received.map((r) => r.id))
    expect(deliveries.filter((id) => !received.has(id))).toEqual([])
    // A delivery sent twice is one whose attempt was interrupted by the kill, re-sent with the same webhook-id.
    const counts = new Map<string, number>()
    for (const r of hooks.received) counts.set(r.id, (counts.get(r.id) ?? 0) + 1)
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id)
    const interrupted = new Set(
      q(
        `SELECT d.id FROM webhook_attempts t JOIN webhook_deliveries d ON d.seq = t.delivery_seq WHERE t.outcome = 'interrupted'`,
      ).map((r) => r.id as string),
    )
    expect(twice.filter((id) => !interrupted.has(id))).toEqual([])
    expect(interrupted.size, 'deliveries the dead worker had in flight were resumed').toBeGreaterThan(0)
    // Never sent twice concurrently: attempts of one delivery never overlap in time.
    const attempts = q(
      `SELECT delivery_seq, started_at, finished_at FROM webhook_attempts WHERE outcome <> 'interrupted' ORDER BY delivery_seq, started_at`,
    )
    for (let i = 1; i < attempts.length; i++)
      if (attempts[i]!.delivery_seq === attempts[i - 1]!.delivery_seq)
        expect((attempts[i]!.started_at as string) >= (attempts[i - 1]!.finished_at as string)).toBe(true)

    // No event twice: each change of Texas is recorded once, whichever worker ran the tick.
    const events = q(
      `SELECT type, subject, after_json FROM change_events WHERE scraper_id = ? AND type = 'status.changed' ORDER BY id`,
      SCRAPER,
    )
    expect(new Set(events.map((e) => JSON.stringify(e))).size).toBe(events.length)
    // No tick ran twice: every scheduled run belongs to a different claimed tick, and no two runs share a 2 s slot.
    const ticks = q(`SELECT tick FROM scheduled_ticks WHERE tick LIKE ?`, `${SCRAPER}:%`)
    const runs = q(`SELECT started_at FROM scrape_runs WHERE scraper_id = ? AND trigger = 'schedule'`, SCRAPER)
    expect(runs.length).toBeGreaterThan(1)
    expect(runs.length).toBeLessThanOrEqual(ticks.length)
    const slots = runs.map((r) => Math.floor(Date.parse(r.started_at as string) / 2000))
    expect(new Set(slots).size).toBe(slots.length)

    for (const node of [survivor, ...apis]) node.child.kill('SIGTERM')
    for (const node of [survivor, ...apis]) expect(await node.exited).toBe(0)
    expect([survivor, ...apis].map((n) => n.stdout.filter((l) => /"level":(50|60)/.test(l)))).toEqual([[], [], []])
    setup.close()
  }, 150_000)
})
