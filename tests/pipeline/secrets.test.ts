import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { migrate } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'
import { createStores } from '../../src/db/stores/index.js'
import { createRedactor, redactError } from '../../src/fetch/redact.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { fixtureCase } from '../../src/scraping/fixtures.js'
import openstates from '../../scrapers/us/us-openstates-bills.js'
import { tempDir } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv } from '../helpers/fixture-server.js'
import { cliProcess, serveProcess } from '../helpers/processes.js'
import { receiver } from '../webhooks/receiver.js'

afterEach(() => closeFixtureServers())

// Sentinels: any trace of them outside the request itself is a leak.
const LEGISCAN = 'SEKRIT-legiscan-4f1d9a'
const OPENSTATES = 'SEKRIT-openstates+/=7c2e'

describe('redaction', () => {
  it('replaces raw and url-encoded key values by their placeholder, in messages, stacks and causes', () => {
    const redact = createRedactor(loadConfig({ LEGISCAN_API_KEY: 'k&y 1', OPENSTATES_API_KEY: 'abc' }))
    expect(redact('https://x/?key=k%26y%201&op=1 and k&y 1 and k%26y+1, abc')).toBe(
      'https://x/?key={LEGISCAN_API_KEY}&op=1 and {LEGISCAN_API_KEY} and {LEGISCAN_API_KEY}, {OPENSTATES_API_KEY}',
    )
    const error = new Error('GET https://x/?key=k%26y%201 failed', { cause: new Error('inner k&y 1') })
    redactError(error, redact)
    expect(`${error.message} ${error.stack} ${(error.cause as Error).message}`).not.toMatch(/k&y 1|k%26y/)
  })
})

describe('source API keys', () => {
  it('never leave the fetch layer: runs, events, webhooks, logs, CLI output and the database file hold only the placeholder', async () => {
    const sources = await fixtureServer()
    // LegiScan answers 404 to the keyed URL (nothing is served there): three failed runs raise scraper.degraded.
    // Open States is served: its key must arrive in a header, never in the URL.
    const fixture = fixtureCase(openstates as ScraperDefinition, 'bills-2025-05-29')
    sources.serveCase(openstates as ScraperDefinition, fixture)
    await sources.serveFollowed(openstates as ScraperDefinition, fixture)

    const dir = tempDir()
    const DATABASE_PATH = join(dir, 'kw.db')
    const setup = openDb(DATABASE_PATH)
    migrate(setup)
    const { key } = createStores(setup).keys.create('customer', false, new Date().toISOString())
    setup.close()
    const env = {
      DATABASE_PATH,
      ...scrapeTestEnv(sources, { FETCH_RETRIES: '0' }),
      LEGISCAN_API_KEY: LEGISCAN,
      OPENSTATES_API_KEY: OPENSTATES,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '50',
      LOG_LEVEL: 'debug',
    }

    let secret = ''
    const hooks = await receiver({ secrets: () => [secret] })
    const server = await serveProcess(env)
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const created = await fetch(`${server.base}/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: hooks.url, events: ['scraper.degraded'] }),
    })
    expect(created.status).toBe(201)
    secret = ((await created.json()) as { secret: string }).secret

    const outputs: string[] = []
    for (let i = 0; i < 3; i++) {
      const run = await cliProcess(['scrape', '--only', 'us-legiscan'], env)
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/us-legiscan: degraded .*HTTP 404/)
      outputs.push(run.stdout, run.stderr)
    }
    const os = await cliProcess(['scrape', '--only', 'us-openstates-bills'], env)
    outputs.push(os.stdout, os.stderr)
    expect(os.stdout).toMatch(/✓ us-openstates-bills: changed/)

    await hooks.waitFor(1)
    const runs = await (await fetch(`${server.base}/scrapers/us-legiscan/runs`)).text()
    const health = await (await fetch(`${server.base}/scrapers`)).text()
    const degraded = await (await fetch(`${server.base}/changes?type=scraper.degraded`)).text()
    const atom = await (await fetch(`${server.base}/changes.atom?type=scraper.degraded`)).text()
    expect(runs).toContain('key={LEGISCAN_API_KEY}')
    expect(degraded).toContain('"type":"scraper.degraded"')
    expect(hooks.received[0]!.verified).toMatchObject({ type: 'scraper.degraded' })
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)

    const exits: Record<string, string> = {
      'GET /scrapers/us-legiscan/runs': runs,
      'GET /scrapers': health,
      'GET /changes': degraded,
      'GET /changes.atom': atom,
      webhooks: hooks.received.map((r) => r.body).join('\n'),
      'server logs': server.stdout.join('\n') + server.stderr(),
      'CLI output and logs': outputs.join('\n'),
      // Runs, events, outbox payloads, run documents, HTTP cache and snapshots, in the file and its WAL.
      'database files': readdirSync(dir)
        .map((f) => readFileSync(join(dir, f)).toString('latin1'))
        .join('\n'),
    }
    for (const [exit, text] of Object.entries(exits)) {
      for (const sentinel of [LEGISCAN, OPENSTATES, encodeURIComponent(OPENSTATES)])
        expect(text.includes(sentinel), `${exit} contains a source key`).toBe(false)
    }

    // Open States got its key in the X-API-KEY header, and no URL carried it.
    const osRequests = sources.requests.filter((r) => r.host === 'v3.openstates.org' && r.path.startsWith('/bills'))
    expect(osRequests.length).toBeGreaterThan(0)
    for (const r of osRequests) {
      expect(r.headers['x-api-key']).toBe(OPENSTATES)
      expect(r.path).not.toMatch(/apikey|SEKRIT/)
    }
  }, 90_000)
})
