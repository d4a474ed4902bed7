import { describe, expect, it } from 'vitest'
import { testDb } from '../helpers/db.js'

const NOW = '2026-11-25T12:00:00.000Z'

/** A database with two subscriptions and two events to deliver. */
function setup() {
  const t = testDb()
  const key = t.stores.keys.create('k', false, NOW)
  for (const id of ['ep_a', 'ep_b'])
    t.stores.webhooks.create(
      id,
      key.record.id,
      {
        url: `https://hooks.example/${id}`,
        description: null,
        events: [],
        jurisdictions: [],
        include_descendants: false,
        subjects: [],
      },
      `whsec_${'A'.repeat(32)}`,
      NOW,
    )
  const event = (n: number) =>
    t.stores.events.append({
      type: 'status.changed',
      jurisdiction: 'US',
      subject: 'kratom',
      measure_id: null,
      scraper_id: 'test',
      changed_fields: ['status'],
      before: null,
      after: { n },
      effective_date: null,
      detected_at: NOW,
      supersedes: null,
      run_id: null,
      snapshot_id: null,
    })
  return { t, events: [event(1), event(2)] }
}

const count = (t: ReturnType<typeof testDb>, table: string) =>
  t.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number

describe('webhook payloads', () => {
  it('store one body per event for all its deliveries, and give each delivery that exact body', () => {
    const { t, events } = setup()
    const bodies = events.map((e) => `{"type":"status.changed","data":{"event_id":${e.id},"note":"café ✓"}}`)
    const queued = t.stores.webhooks.enqueueEvents(
      events.map((e, i) => ({
        event_id: e.id,
        payload: bodies[i]!,
        payload_tail: null,
        now: NOW,
        subscription_ids: ['ep_a', 'ep_b'],
      })),
    )
    expect(queued).toBe(4)
    expect(count(t, 'webhook_payloads')).toBe(2)
    const ids = new Set<string>()
    for (const [i, e] of events.entries())
      for (const sub of ['ep_a', 'ep_b']) {
        const delivery = t.stores.webhooks.deliveryForEvent(sub, e.id)!
        expect(delivery.payload).toBe(bodies[i])
        expect(delivery).toMatchObject({ type: 'status.changed', state: 'pending', next_attempt_at: NOW })
        // The database draws each message id: 24 random hex digits.
        expect(delivery.id).toMatch(/^msg_[0-9a-f]{24}$/)
        expect(t.stores.webhooks.getDelivery(delivery.id)!.payload).toBe(bodies[i])
        ids.add(delivery.id)
      }
    expect(ids.size).toBe(4)
    // Each subscription's queue follows the events' order: its first event is claimed first.
    const claims = t.stores.webhooks.claimDue(NOW, 10)
    expect(claims.map((c) => [c.delivery.subscription_id, c.delivery.event_id])).toEqual([
      ['ep_a', events[0]!.id],
      ['ep_b', events[0]!.id],
    ])
    expect(claims[0]!.delivery.payload).toBe(bodies[0])
  })

  it('keep no body for deliveries that were already queued', () => {
    const { t, events } = setup()
    const delivery = (payload: string) => ({
      subscription_id: 'ep_a',
      event_id: events[0]!.id,
      type: 'status.changed',
      payload,
      now: NOW,
    })
    const first = t.stores.webhooks.enqueue(delivery('{"first":true}'))
    expect(first).toMatch(/^msg_[0-9a-f]{24}$/)
    expect(t.stores.webhooks.enqueue(delivery('{"again":true}'))).toBeNull()
    const again = { event_id: events[0]!.id, payload: '{"again":true}', payload_tail: null, now: NOW }
    expect(t.stores.webhooks.enqueueEvents([{ ...again, subscription_ids: ['ep_a'] }])).toBe(0)
    expect(count(t, 'webhook_payloads')).toBe(1)
    expect(t.stores.webhooks.deliveryForEvent('ep_a', events[0]!.id)).toMatchObject({
      id: first,
      payload: '{"first":true}',
    })
  })

  it('give pings a body of their own', () => {
    const { t } = setup()
    const [, pingB] = ['ep_a', 'ep_b'].map((sub) =>
      t.stores.webhooks.enqueue({
        subscription_id: sub,
        event_id: null,
        type: 'webhook.ping',
        payload: `{"type":"webhook.ping","data":{"subscription_id":"${sub}"}}`,
        now: NOW,
      }),
    )
    expect(t.stores.webhooks.getDelivery(pingB!)!.payload).toBe(
      '{"type":"webhook.ping","data":{"subscription_id":"ep_b"}}',
    )
    expect(count(t, 'webhook_payloads')).toBe(2)
  })
})
