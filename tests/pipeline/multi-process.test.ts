import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { migrate } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'
import { createStores } from '../../src/db/stores/index.js'
import { createDiffEngine } from '../../src/diff/engine.js'
import { Observation } from '../../src/domain/index.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import { registerOutbox } from '../../src/webhooks/outbox.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import { tempDir } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'
import { cliProcess, serveProcess } from '../helpers/processes.js'
import { receiver } from '../webhooks/receiver.js'

afterEach(() => closeFixtureServers())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('several processes on one database file', () => {
  it('a writer, a read-only API process under authenticated load, CLI scrapes and another writer connection: no write fails', async () => {
    const sources = await fixtureServer()
    const serveCase = (name: string) =>
      sources.serveCase(texas as ScraperDefinition, fixtureCase(texas as ScraperDefinition, name))
    serveCase('chapter-444-2026-11')

    const dir = tempDir()
    const DATABASE_PATH = join(dir, 'kw.db')
    const setup = openDb(DATABASE_PATH)
    migrate(setup)
    const { key } = createStores(setup).keys.create('load', false, new Date().toISOString())
    setup.close()
    const env = {
      DATABASE_PATH,
      ...scrapeTestEnv(sources, { FETCH_RETRIES: '0' }),
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '20',
      WRITE_RATE_PER_MINUTE: '1000000',
      WRITE_RATE_BURST: '1000000',
    }
    const hooks = await receiver({ secrets: () => [] })
    const writer = await serveProcess(env)
    const api = await serveProcess(env, ['--role', 'api'])
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const created = await fetch(`${writer.base}/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: hooks.url }),
    })
    expect(created.status).toBe(201)
    const sub = (await created.json()) as { id: string }

    // Another writer connection in this process: a change every few milliseconds (read, then write).
    const db = openDb(DATABASE_PATH)
    onTestFinished(() => {
      db.close()
    })
    const stores = createStores(db)
    registerOutbox(stores, { publicBaseUrl: writer.base })
    const engine = createDiffEngine(stores)
    let stop = false
    const tally = {
      engineApplies: 0,
      engineErrors: [] as string[],
      apiGets: 0,
      apiErrors: [] as string[],
      recovers: 0,
      recoverErrors: [] as string[],
    }

    const engineLoop = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          engine.apply({
            source_id: 'us-wy-load',
            trust: 'primary',
            run_id: null,
            snapshot_id: null,
            observations: [
              Observation.parse({
                kind: 'status',
                jurisdiction: 'US-WY',
                subject: '7-oh',
                status: i % 2 ? 'banned' : 'regulated',
                citation: `Wyo. Stat. § 35-7-1014 (load ${i})`,
                effective_date: '2026-11-01',
                source_url: 'https://wyoleg.example/35-7-1014',
                confidence: 'high',
              }),
            ],
          })
          tally.engineApplies++
        } catch (error) {
          tally.engineErrors.push((error as Error).message)
        }
        await sleep(5)
      }
    })()
    // Authenticated reads on the API process, 16 at a time.
    const apiLoops = Array.from({ length: 16 }, async () => {
      while (!stop) {
        const res = await fetch(`${api.base}/webhooks`, { headers: auth })
        await res.arrayBuffer()
        if (res.status === 200) tally.apiGets++
        else tally.apiErrors.push(String(res.status))
      }
    })
    // Recover calls on the writer (each queues every event again: many deliveries to claim and record).
    const recoverLoop = (async () => {
      while (!stop) {
        const res = await fetch(`${writer.base}/webhooks/${sub.id}/recover`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ since: '2000-01-01' }),
        })
        if (res.status === 202) tally.recovers++
        else tally.recoverErrors.push(`${res.status} ${await res.text()}`)
        await sleep(100)
      }
    })()
    // CLI scrapes, two at a time, alternating fixture cases so runs change data.
    const scrapes: { code: number | null; stdout: string; stderr: string }[] = []
    const scrapeLoop = async (n: number) => {
      for (let i = 0; i < n; i++) {
        serveCase(i % 2 ? 'chapter-444-2026-11' : 'chapter-444-amended-synthetic')
        scrapes.push(await cliProcess(['scrape', '--only', 'us-tx-statutes-hs-444'], { ...env, LOG_LEVEL: 'error' }))
      }
    }
    await Promise.all([scrapeLoop(4), scrapeLoop(4)])
    stop = true
    await Promise.all([engineLoop, recoverLoop, ...apiLoops])

    expect(scrapes.map((s) => [s.code, s.stderr])).toEqual(scrapes.map(() => [0, '']))
    expect(tally.engineErrors).toEqual([])
    expect(tally.apiErrors).toEqual([])
    expect(tally.recoverErrors).toEqual([])
    expect(tally.engineApplies).toBeGreaterThan(10)
    expect(tally.apiGets).toBeGreaterThan(100)
    expect(tally.recovers).toBeGreaterThan(3)

    // A read-only API process refuses writes instead of failing them.
    const refused = await fetch(`${api.base}/webhooks/${sub.id}/recover`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ since: '2000-01-01' }),
    })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/read-only API process/)

    writer.child.kill('SIGTERM')
    api.child.kill('SIGTERM')
    expect(await writer.exited).toBe(0)
    expect(await api.exited).toBe(0)

    const errorLogs = [...writer.stdout, ...api.stdout].filter(
      (l) => /"level":(50|60)/.test(l) || /database is locked|SQLITE_BUSY/.test(l),
    )
    expect(errorLogs).toEqual([])
    expect(writer.stderr() + api.stderr()).toBe('')
    const check = openDb(DATABASE_PATH, { readonly: true })
    const outcomes = check
      .prepare(`SELECT outcome FROM scrape_runs WHERE scraper_id = 'us-tx-statutes-hs-444'`)
      .pluck()
      .all() as string[]
    check.close()
    expect(outcomes).toHaveLength(8)
    expect(outcomes.filter((o) => o !== 'changed' && o !== 'unchanged')).toEqual([])
  }, 120_000)
})
