import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { migrate } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'
import { createStores } from '../../src/db/stores/index.js'
import { createDiffEngine } from '../../src/diff/engine.js'
import { Observation } from '../../src/domain/index.js'
import { registerOutbox } from '../../src/webhooks/outbox.js'
import { tempDir } from '../helpers/db.js'
import { receiver } from './receiver.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Starts `kratomwatch serve` as a real child process; resolves with its port once it listens. */
async function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number }
        if (entry.msg === 'kratomwatch listening') resolve(entry.port!)
      } catch {
        // not a log line
      }
    })
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)))
  })
  return { child, port, exited }
}

describe('webhook delivery across a server crash', () => {
  it('resumes a delivery interrupted by SIGKILL: the receiver gets the same webhook-id after restart', async () => {
    const dir = tempDir()
    const DATABASE_PATH = join(dir, 'kw.db')
    const env = {
      DATABASE_PATH,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_MS: '50',
      SCHEDULER_ENABLED: 'false',
    }

    // An API key, as `kratomwatch keys create` makes one.
    const setupDb = openDb(DATABASE_PATH)
    migrate(setupDb)
    const { key } = createStores(setupDb).keys.create('customer', false, new Date().toISOString())
    setupDb.close()

    let secret = ''
    let firstArrived!: () => void
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve))
    // The first request never gets an answer: the server is killed while it waits.
    const r = await receiver({
      secrets: () => [secret],
      answer: (n) => (n === 0 ? (firstArrived(), { hang: true }) : { status: 200 }),
    })

    const first = await serve(env)
    const base = `http://127.0.0.1:${first.port}`
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const created = await fetch(`${base}/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        url: r.url,
        jurisdictions: ['US'],
        include_descendants: true,
        events: ['status.changed'],
      }),
    })
    expect(created.status).toBe(201)
    const sub = (await created.json()) as { id: string; secret: string }
    secret = sub.secret

    // A scraper run in another writer process records a change in the same database file.
    const db = openDb(DATABASE_PATH)
    onTestFinished(() => {
      db.close()
    })
    const stores = createStores(db)
    registerOutbox(stores, { publicBaseUrl: base })
    const events = createDiffEngine(stores).apply({
      source_id: 'us-wy-test',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        Observation.parse({
          kind: 'status',
          jurisdiction: 'US-WY',
          subject: '7-oh',
          status: 'banned',
          citation: 'Wyo. Stat. § 35-7-1014 (test)',
          effective_date: '2026-11-01',
          source_url: 'https://wyoleg.example/35-7-1014',
          confidence: 'high',
        }),
      ],
    }).events
    expect(events.map((e) => e.type)).toEqual(['status.changed'])

    await arrived
    first.child.kill('SIGKILL')
    expect(await first.exited).toBeNull() // killed, not exited
    const interruptedId = r.received[0]!.id

    const second = await serve(env)
    await r.waitFor(2)
    expect(r.received.map((x) => x.id)).toEqual([interruptedId, interruptedId])
    expect(r.received.map((x) => x.error)).toEqual([null, null])
    expect(r.received[1]!.verified).toMatchObject({
      type: 'status.changed',
      data: { event_id: events[0]!.id, jurisdiction: 'US-WY', subject: '7-oh', after: { status: 'banned' } },
    })

    // The receiver answered; the server records the attempt right after, so read the log until it has.
    type Log = {
      items: { id: string; state: string; attempt_log: { outcome: string; status_code: number | null }[] }[]
    }
    let delivery: Log['items'][number] | undefined
    for (let i = 0; i < 100 && delivery?.state !== 'succeeded'; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 50))
      const log = (await (
        await fetch(`http://127.0.0.1:${second.port}/webhooks/${sub.id}/deliveries`, { headers: auth })
      ).json()) as Log
      delivery = log.items.find((d) => d.id === interruptedId)
    }
    expect(delivery!.state).toBe('succeeded')
    expect(delivery!.attempt_log.map((a) => [a.outcome, a.status_code])).toEqual([
      ['interrupted', null],
      ['succeeded', 200],
    ])

    second.child.kill('SIGTERM') // graceful stop: exit code 0
    expect(await second.exited).toBe(0)
  }, 60_000)
})
