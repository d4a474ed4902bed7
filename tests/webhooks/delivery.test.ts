import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { Delivery, SubscriptionInput } from '../../src/db/stores/webhooks.js'
import { Observation } from '../../src/domain/index.js'
import { silentLogger } from '../../src/log.js'
import { metrics } from '../../src/metrics.js'
import { registerOutbox } from '../../src/webhooks/outbox.js'
import { createSender } from '../../src/webhooks/send.js'
import { newSecret } from '../../src/webhooks/signer.js'
import { createDeliveryWorker } from '../../src/webhooks/worker.js'
import { testApp, testDb } from '../helpers/db.js'
import { receiver } from './receiver.js'

// Sender and receivers share one clock, as a customer's server and ours do: only Date is faked
// (so retries hours apart run at once), timers and sockets are real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-25T12:00:00Z'))
})
afterEach(() => {
  vi.useRealTimers()
})
const clock = Object.assign(() => new Date(), { set: (iso: string) => vi.setSystemTime(new Date(iso)) })
const advance = (ms: number) => vi.setSystemTime(new Date(Date.now() + ms))
const policy = { allowHttp: true, allowedHosts: ['127.0.0.1'] }

function setup(options: { timeoutMs?: number; concurrency?: number } = {}) {
  const t = testDb({ clock })
  const outbox = registerOutbox(t.stores, { publicBaseUrl: 'https://kratomwatch.test' })
  t.stores.jurisdictions.upsert(
    [{ code: 'US-CA-SAN-DIEGO', name: 'San Diego', level: 'city', parent: 'US-CA', ocd_id: null }],
    'dataset',
  )
  const key = t.stores.keys.create('acme', false, clock().toISOString())
  const sender = createSender({ policy, timeoutMs: options.timeoutMs ?? 3000 })
  const worker = createDeliveryWorker({
    store: t.stores.webhooks,
    send: sender.send,
    policy,
    log: silentLogger,
    clock,
    concurrency: options.concurrency ?? 8,
    pollMs: 20,
    random: () => 0.5,
  })
  onTestFinished(async () => {
    await worker.stop()
    sender.close()
  })
  const subscribe = (url: string, filters: Partial<SubscriptionInput> = {}) => {
    const secret = newSecret()
    const input: SubscriptionInput = {
      url,
      description: null,
      events: [],
      jurisdictions: [],
      include_descendants: false,
      subjects: [],
      ...filters,
    }
    const sub = t.stores.webhooks.create(
      `ep_${randomBytes(9).toString('base64url')}`,
      key.record.id,
      input,
      secret,
      clock().toISOString(),
    )
    return { sub, secret, id: sub.id }
  }
  let day = 1
  /** One primary-source observation, as a scraper run records it; each call is a later law. */
  const change = (
    status: 'legal' | 'regulated' | 'banned',
    jurisdiction = 'US-CA',
    effective_date = `2026-01-${String(day++).padStart(2, '0')}`,
  ) =>
    t.engine.apply({
      source_id: 'us-ca-test',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        Observation.parse({
          kind: 'status',
          jurisdiction,
          subject: 'kratom',
          status,
          citation: `Test Code § ${day}`,
          effective_date,
          source_url: 'https://leginfo.example/ca',
          confidence: 'high',
        }),
      ],
    }).events
  const deliveries = (subId: string): Delivery[] => t.stores.webhooks.deliveries(subId, { limit: 100 }).reverse()
  /** Moves the clock to the next due retry and runs the worker; returns false when nothing is pending. */
  const nextRetry = async () => {
    const due = t.stores.webhooks.nextDueAt()
    if (!due) return false
    clock.set(due)
    await worker.runOnce()
    return true
  }
  return { ...t, outbox, key, worker, subscribe, change, deliveries, nextRetry }
}

describe('webhook delivery', () => {
  it('delivers a status.changed that a customer verifies with standardwebhooks, matching descendants', async () => {
    const t = setup()
    let secret = ''
    const r = await receiver({ secrets: () => [secret] })
    const state = t.subscribe(r.url, {
      jurisdictions: ['US'],
      include_descendants: true,
      subjects: ['kratom'],
      events: ['status.changed'],
    })
    secret = state.secret
    const other = t.subscribe(r.url, { jurisdictions: ['TH'] })

    const [event] = t.change('banned', 'US-CA-SAN-DIEGO')
    expect(t.deliveries(state.id)).toHaveLength(1) // written with the event, before any sending
    expect(t.deliveries(other.id)).toHaveLength(0)
    await t.worker.runOnce()

    expect(r.received).toHaveLength(1)
    const got = r.received[0]!
    expect(got.error).toBeNull()
    expect(got.verified).toMatchObject({
      type: 'status.changed',
      data: {
        event_id: event!.id,
        jurisdiction: 'US-CA-SAN-DIEGO',
        subject: 'kratom',
        citation: 'Test Code § 2',
        effective_date: '2026-01-01',
        before: null,
        after: { status: 'banned' },
      },
    })
    expect(got.id).toBe(t.deliveries(state.id)[0]!.id)
    expect(got.headers['content-type']).toBe('application/json')
    expect(Buffer.byteLength(got.body)).toBeLessThan(20_000)
    const [log] = t.stores.webhooks.deliveries(state.id, { limit: 5 })
    expect(log).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      attempt_log: [{ attempt: 1, outcome: 'succeeded', status_code: 204, trigger: 'scheduled' }],
    })
    expect(log!.attempt_log[0]!.latency_ms).toBeGreaterThanOrEqual(0)
    expect(await metrics.registry.getSingleMetricAsString('kratomwatch_webhook_attempts_total')).toMatch(
      /result="succeeded"} [1-9]/,
    )
  })

  it('writes outbox rows in the event transaction, so a failed batch leaves neither', async () => {
    const t = setup()
    const s = t.subscribe('http://127.0.0.1:9/hook')
    const bad = () =>
      t.engine.apply({
        source_id: 'x',
        trust: 'primary',
        run_id: null,
        snapshot_id: null,
        observations: [
          Observation.parse({
            kind: 'status',
            jurisdiction: 'US-CA',
            subject: 'kratom',
            status: 'banned',
            citation: 'A',
            effective_date: '2026-01-01',
            source_url: 'https://a.example',
            confidence: 'high',
          }),
          Observation.parse({
            kind: 'status',
            jurisdiction: 'US-ZZ',
            subject: 'kratom',
            status: 'banned',
            citation: 'B',
            effective_date: '2026-01-01',
            source_url: 'https://a.example',
            confidence: 'high',
          }),
        ],
      })
    expect(bad).toThrow(/unknown jurisdiction/)
    expect(t.stores.events.lastId()).toBe(0)
    expect(t.deliveries(s.id)).toHaveLength(0)
  })

  it('keeps retrying through an outage and delivers the same webhook-id once the receiver is back', async () => {
    const t = setup()
    let secret = ''
    const first = await receiver({ secrets: () => [secret] })
    const port = first.port
    await first.close() // down: connection refused
    const s = t.subscribe(first.url)
    secret = s.secret
    t.change('banned')
    await t.worker.runOnce()
    const [pending] = t.deliveries(s.id)
    expect(pending).toMatchObject({
      state: 'pending',
      attempts: 1,
      next_attempt_at: new Date(Date.now() + 5000).toISOString(),
    })
    expect(await t.worker.runOnce()).toBe(0) // not due yet
    expect(await t.nextRetry()).toBe(true) // +5 s, still down
    expect(t.deliveries(s.id)[0]).toMatchObject({
      state: 'pending',
      attempts: 2,
      next_attempt_at: new Date(Date.now() + 300_000).toISOString(),
    })

    const back = await receiver({ secrets: () => [secret], port })
    await t.nextRetry() // +5 min: up again
    expect(back.received.map((x) => [x.id, x.error])).toEqual([[pending!.id, null]])
    const [done] = t.stores.webhooks.deliveries(s.id, { limit: 5 })
    expect(done!.state).toBe('succeeded')
    expect(done!.attempt_log.map((a) => [a.outcome, a.status_code])).toEqual([
      ['failed', null],
      ['failed', null],
      ['succeeded', 204],
    ])
    expect(done!.attempt_log[0]!.error).toMatch(/ECONNREFUSED/)
    expect(t.stores.webhooks.get(s.id)!.failing_since).toBeNull()
  })

  it('gives up after the last scheduled attempt, keeps order per subscription, and disables after 5 days of failure', async () => {
    const t = setup()
    let secret = ''
    const r = await receiver({ secrets: () => [secret], answer: () => ({ status: 500, body: 'boom' }) })
    const s = t.subscribe(r.url)
    secret = s.secret
    const [e1] = t.change('banned')
    const [e2] = t.change('legal')
    await t.worker.runOnce()
    for (let i = 0; i < 20 && t.deliveries(s.id)[0]!.state !== 'failed'; i++) expect(await t.nextRetry()).toBe(true)
    // Ten attempts of the first event, each with the same webhook-id; the second waited its turn and
    // went out right after the first was given up.
    const [d1, d2] = t.deliveries(s.id)
    expect(r.received).toHaveLength(11)
    expect(r.received.map((x) => x.id)).toEqual([...Array<string>(10).fill(d1!.id), d2!.id])
    expect(new Set(r.received.slice(0, 10).map((x) => x.timestamp)).size).toBe(10) // webhook-timestamp is per attempt
    expect(r.received.every((x) => x.error === null)).toBe(true)
    expect(d1).toMatchObject({
      event_id: e1!.id,
      state: 'failed',
      attempts: 10,
      last_error: 'HTTP 500: only a 2xx answer counts as delivered',
    })
    expect(d2).toMatchObject({ event_id: e2!.id, attempts: 1 })
    expect(t.stores.webhooks.deliveries(s.id, { limit: 5 }).at(-1)!.attempt_log[0]!.response_excerpt).toBe('boom')

    for (let i = 0; i < 20 && (await t.nextRetry()); i++);
    const sub = t.stores.webhooks.get(s.id)!
    expect(sub.enabled).toBe(false)
    expect(sub.disabled_reason).toMatch(/failed \(5 days\)/)
    expect(Date.now() - Date.parse(sub.failing_since!)).toBeGreaterThanOrEqual(5 * 86_400_000)
    expect(t.deliveries(s.id)[1]!.state).toBe('pending') // resumes if the subscription is re-enabled
  })

  it('counts a timeout as a failure and retries', async () => {
    const t = setup({ timeoutMs: 200 })
    const r = await receiver({ secrets: () => [], answer: (n) => (n === 0 ? { hang: true } : { status: 200 }) })
    const s = t.subscribe(r.url)
    t.change('banned')
    await t.worker.runOnce()
    expect(t.stores.webhooks.deliveries(s.id, { limit: 1 })[0]!.attempt_log[0]).toMatchObject({
      outcome: 'failed',
      status_code: null,
      error: 'no complete answer within 200 ms',
    })
    await t.nextRetry()
    expect(t.deliveries(s.id)[0]!.state).toBe('succeeded')
    expect(r.received[0]!.id).toBe(r.received[1]!.id)
  })

  it('does not follow redirects and counts 3xx as failure', async () => {
    const t = setup()
    const r = await receiver({
      secrets: () => [],
      answer: () => ({ status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' } }),
    })
    const s = t.subscribe(r.url)
    t.change('banned')
    await t.worker.runOnce()
    expect(r.received).toHaveLength(1)
    expect(t.deliveries(s.id)[0]).toMatchObject({
      state: 'pending',
      last_error: 'redirect to http://127.0.0.1:9/elsewhere not followed: answer 2xx at the subscribed URL',
    })
  })

  it('disables the subscription at once on 410 Gone, with the reason visible', async () => {
    const t = setup()
    const r = await receiver({ secrets: () => [], answer: () => ({ status: 410 }) })
    const s = t.subscribe(r.url)
    t.change('banned')
    await t.worker.runOnce()
    expect(r.received).toHaveLength(1)
    expect(t.deliveries(s.id)[0]).toMatchObject({ state: 'failed', attempts: 1 })
    expect(t.stores.webhooks.get(s.id)).toMatchObject({
      enabled: false,
      disabled_reason: expect.stringMatching(/410 Gone/),
    })
    t.change('legal')
    expect(t.deliveries(s.id)).toHaveLength(1) // a disabled subscription gets no new deliveries
  })

  it('honours Retry-After when it asks for longer than the schedule', async () => {
    const t = setup()
    const r = await receiver({
      secrets: () => [],
      answer: (n) => (n === 0 ? { status: 503, headers: { 'retry-after': '120' } } : { status: 200 }),
    })
    const s = t.subscribe(r.url)
    t.change('banned')
    await t.worker.runOnce()
    expect(t.deliveries(s.id)[0]!.next_attempt_at).toBe(new Date(Date.now() + 120_000).toISOString())
    advance(60_000)
    expect(await t.worker.runOnce()).toBe(0)
    await t.nextRetry()
    expect(r.received).toHaveLength(2)
  })

  it('sends one delivery at a time per subscription in event order, while other subscriptions go ahead', async () => {
    const t = setup({ concurrency: 4 })
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const slow = await receiver({
      secrets: () => [],
      answer: async (n) => (n === 0 ? (await released, { status: 200 }) : { status: 200 }),
    })
    const fast = await receiver({ secrets: () => [] })
    const a = t.subscribe(slow.url)
    t.subscribe(fast.url)
    const events = [...t.change('banned'), ...t.change('legal'), ...t.change('regulated')]
    t.worker.start()
    await fast.waitFor(3)
    expect(slow.received).toHaveLength(1) // its head is in flight; the rest wait their turn
    release()
    await slow.waitFor(3)
    await t.worker.stop()
    const order = slow.received.map((x) => (JSON.parse(x.body) as { data: { event_id: number } }).data.event_id)
    expect(order).toEqual(events.map((e) => e.id))
    expect(t.deliveries(a.id).map((d) => d.state)).toEqual(['succeeded', 'succeeded', 'succeeded'])
  })

  it('signs with the old and the new secret for 24 hours after a rotation, then with the new one only', async () => {
    const t = setup()
    const app = testApp(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
    const { key } = t.stores.keys.create('customer', false, clock().toISOString())
    const call = (method: string, path: string, body?: unknown) =>
      app.app.request(path, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    let secrets: string[] = []
    const r = await receiver({ secrets: () => secrets })
    const created = (await (await call('POST', '/webhooks', { url: r.url })).json()) as { id: string; secret: string }
    const rotated = (await (await call('POST', `/webhooks/${created.id}/rotate-secret`)).json()) as { secret: string }

    expect((await call('POST', `/webhooks/${created.id}/ping`)).status).toBe(202)
    await t.worker.runOnce()
    const ping = r.received[0]!
    for (const secret of [created.secret, rotated.secret]) {
      expect(new Webhook(secret).verify(ping.body, ping.headers as Record<string, string>)).toMatchObject({
        type: 'webhook.ping',
      })
    }

    advance(25 * 3_600_000)
    secrets = [created.secret]
    t.change('banned')
    await t.worker.runOnce()
    expect(r.received[1]!.error).toMatch(/signature/i) // the old secret stopped signing
    secrets = [rotated.secret]
    expect(
      new Webhook(rotated.secret).verify(r.received[1]!.body, r.received[1]!.headers as Record<string, string>),
    ).toMatchObject({ type: 'status.changed' })
  })

  it('redelivers with the same webhook-id, recovers what a disabled subscription missed, and lists every attempt', async () => {
    const t = setup()
    const app = testApp(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
    const { key } = t.stores.keys.create('customer', false, clock().toISOString())
    const call = (method: string, path: string, body?: unknown) =>
      app.app.request(path, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    let gone = true
    const r = await receiver({ secrets: () => [], answer: () => ({ status: gone ? 410 : 200 }) })
    const { id } = (await (await call('POST', '/webhooks', { url: r.url })).json()) as { id: string }
    const start = clock().toISOString()
    t.change('banned')
    await t.worker.runOnce() // 410: disabled
    advance(60_000)
    t.change('legal') // missed while disabled
    gone = false

    expect((await call('PATCH', `/webhooks/${id}`, { enabled: true })).status).toBe(200)
    const recovered = await call('POST', `/webhooks/${id}/recover`, { since: start })
    expect(await recovered.json()).toEqual({ since: start, queued: 2 })
    await t.worker.runOnce()
    expect(
      r.received.map((x) => (JSON.parse(x.body) as { data: { after: { status: string } } }).data.after.status),
    ).toEqual(['banned', 'banned', 'legal'])
    expect(r.received[1]!.id).toBe(r.received[0]!.id) // the same message, the same webhook-id

    const page = (await (await call('GET', `/webhooks/${id}/deliveries`)).json()) as {
      items: { id: string; state: string; attempt_log: { trigger: string; status_code: number; outcome: string }[] }[]
    }
    expect(page.items.map((d) => d.state)).toEqual(['succeeded', 'succeeded'])
    const first = page.items[1]!
    expect(first.attempt_log.map((a) => [a.trigger, a.status_code, a.outcome])).toEqual([
      ['scheduled', 410, 'failed'],
      ['recover', 200, 'succeeded'],
    ])

    const again = await call('POST', `/webhooks/${id}/deliveries/${first.id}/redeliver`)
    expect(again.status).toBe(202)
    await t.worker.runOnce()
    expect(r.received.at(-1)!.id).toBe(first.id)
    expect((await call('POST', `/webhooks/${id}/deliveries/msg_unknown/redeliver`)).status).toBe(404)
  })

  it('fires status.changed when a scheduled law takes effect (activateDue)', async () => {
    const t = setup()
    const r = await receiver({ secrets: () => [] })
    const s = t.subscribe(r.url, { events: ['status.changed'] })
    const [scheduled] = t.change('banned', 'US-CA', '2026-12-01')
    expect(scheduled!.type).toBe('status.scheduled')
    expect(t.deliveries(s.id)).toHaveLength(0)
    clock.set('2026-12-01T06:00:00Z')
    const fired = t.engine.activateDue()
    expect(fired.map((e) => e.type)).toEqual(['status.changed'])
    await t.worker.runOnce()
    expect(JSON.parse(r.received[0]!.body)).toMatchObject({
      type: 'status.changed',
      data: { effective_date: '2026-12-01', after: { status: 'banned' } },
    })
  })

  it('resumes a delivery whose attempt was interrupted by a crash', async () => {
    const t = setup()
    const r = await receiver({ secrets: () => [] })
    const s = t.subscribe(r.url)
    t.change('banned')
    const [claim] = t.stores.webhooks.claimDue(clock().toISOString(), 10) // claimed, then the process "dies"
    expect(claim!.delivery.state).toBe('delivering')
    t.worker.start()
    await r.waitFor(1)
    await t.worker.stop()
    expect(r.received[0]!.id).toBe(claim!.delivery.id)
    const [log] = t.stores.webhooks.deliveries(s.id, { limit: 1 })
    expect(log!.attempt_log.map((a) => a.outcome)).toEqual(['interrupted', 'succeeded'])
  })
})
