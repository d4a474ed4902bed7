/**
 * Webhook fan-out: 1,000 subscriptions on local receivers and one event, then 100 subscriptions ×
 * 100 events; time until every delivery arrived and was verified with `standardwebhooks` by its
 * receiver. Prints deliveries/s and peak memory. Target: 1,000 deliveries in under 5 s. Growth:
 * 10,000 subscriptions × 1 event, printed as a ratio to the 1,000-subscription case.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { seedJurisdictions } from '../src/baseline/load.js'
import { migrate } from '../src/db/migrate.js'
import { openDb } from '../src/db/open.js'
import { createStores } from '../src/db/stores/index.js'
import { createDiffEngine } from '../src/diff/engine.js'
import { Observation } from '../src/domain/index.js'
import { silentLogger } from '../src/log.js'
import { registerOutbox } from '../src/webhooks/outbox.js'
import { createSender } from '../src/webhooks/send.js'
import { newSecret } from '../src/webhooks/signer.js'
import { createDeliveryWorker } from '../src/webhooks/worker.js'
import { record, type Figure } from './table.js'

const RECEIVERS = 8
const CONCURRENCY = 64

async function scenario(
  name: string,
  subscriptions: number,
  events: number,
): Promise<{ ms: number; deliveries: number; verified: number; outboxMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  const db = openDb(join(dir, 'bench.db'))
  migrate(db)
  const stores = createStores(db)
  seedJurisdictions(stores)
  registerOutbox(stores, { publicBaseUrl: 'https://kratomwatch.bench' })
  const engine = createDiffEngine(stores)
  const key = stores.keys.create('bench', false, new Date().toISOString())

  // Receivers verify every delivery exactly as a customer would; the path names the subscription.
  const verifiers = new Map<string, Webhook>()
  let verified = 0
  let failed = 0
  let done: () => void = () => {}
  const expected = subscriptions * events
  const servers: Server[] = []
  for (let i = 0; i < RECEIVERS; i++) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        try {
          verifiers
            .get(req.url!.slice(1))!
            .verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>)
          verified++
        } catch {
          failed++
        }
        res.writeHead(204).end()
        if (verified + failed === expected) done()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
  }
  for (let i = 0; i < subscriptions; i++) {
    const port = (servers[i % RECEIVERS]!.address() as AddressInfo).port
    const id = `ep_${randomBytes(9).toString('base64url')}`
    const secret = newSecret()
    stores.webhooks.create(
      id,
      key.record.id,
      {
        url: `http://127.0.0.1:${port}/${id}`,
        description: null,
        events: [],
        jurisdictions: [],
        include_descendants: false,
        subjects: [],
      },
      secret,
      new Date().toISOString(),
    )
    verifiers.set(id, new Webhook(secret))
  }

  const policy = { allowHttp: true, allowedHosts: ['127.0.0.1'] }
  const sender = createSender({ policy, timeoutMs: 15_000 })
  const worker = createDeliveryWorker({
    store: stores.webhooks,
    send: sender.send,
    policy,
    log: silentLogger,
    concurrency: CONCURRENCY,
    pollMs: 1000,
  })
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20)
  const all = new Promise<void>((resolve) => (done = resolve))

  const started = performance.now()
  worker.start()
  const statuses = ['banned', 'legal', 'regulated'] as const
  for (let e = 0; e < events; e++) {
    const day = new Date(Date.UTC(2020, 0, 1) + e * 86_400_000).toISOString().slice(0, 10)
    engine.apply({
      source_id: 'bench',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        Observation.parse({
          kind: 'status',
          jurisdiction: 'US-CA',
          subject: 'kratom',
          status: statuses[e % 3],
          citation: `Bench § ${e}`,
          effective_date: day,
          source_url: 'https://bench.example',
          confidence: 'high',
        }),
      ],
    })
    worker.wake()
  }
  const outboxMs = performance.now() - started
  await all
  const ms = performance.now() - started
  clearInterval(sampler)
  await worker.stop()
  sender.close()
  await Promise.all(
    servers.map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))),
  )
  db.close()
  rmSync(dir, { recursive: true, force: true })

  console.log(
    `${name}: ${expected} deliveries (${verified} verified, ${failed} failed verification) in ${(ms / 1000).toFixed(2)} s` +
      ` = ${Math.round((expected / ms) * 1000)} deliveries/s; events + outbox rows written in ${outboxMs.toFixed(0)} ms;` +
      ` peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (concurrency ${CONCURRENCY}, ${RECEIVERS} receivers)`,
  )
  return { ms, deliveries: expected, verified, outboxMs }
}

/** Runs the fan-out scenarios: the base case, many events, and growth to 10,000 subscriptions. */
export default async function run(): Promise<Figure[]> {
  const base = await scenario('fan-out 1,000 subscriptions × 1 event', 1000, 1)
  await scenario('100 subscriptions × 100 events', 100, 100)
  const grown = await scenario('growth: fan-out 10,000 subscriptions × 1 event', 10_000, 1)
  // Cost per delivery at 10× the subscriptions, relative to the base case: ≤ 1 means linear or better.
  const perDelivery = grown.ms / grown.deliveries / (base.ms / base.deliveries)
  console.log(
    `growth: 10× the subscriptions took ${(grown.ms / base.ms).toFixed(2)}× the time (per delivery ×${perDelivery.toFixed(2)})`,
  )
  return [
    record(
      'webhooks: 1,000 deliveries (1 event)',
      `${(base.ms / 1000).toFixed(2)} s`,
      '< 5 s, all verified',
      base.ms < 5000 && base.verified === base.deliveries,
    ),
    record(
      'webhooks growth: 10,000 subscriptions, time ÷ base',
      `${(grown.ms / base.ms).toFixed(2)}×`,
      '≤ 10× (linear or better)',
      grown.ms / base.ms <= 10 && grown.verified === grown.deliveries,
    ),
  ]
}
