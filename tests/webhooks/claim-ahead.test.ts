import { describe, expect, it } from 'vitest'
import { testDb } from '../helpers/db.js'

const NOW = '2026-11-25T12:00:00.000Z'

/** A database with `subs` subscriptions, each with `perSub` pings queued in order. */
function queued(subs: number, perSub: number) {
  const t = testDb()
  const key = t.stores.keys.create('k', false, NOW)
  const ids = Array.from({ length: subs }, (_, i) => `ep_${String(i).padStart(5, '0')}`)
  for (const id of ids) {
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
  }
  for (let k = 0; k < perSub; k++) {
    for (const id of ids)
      t.stores.webhooks.enqueue({
        subscription_id: id,
        event_id: null,
        type: 'webhook.ping',
        payload: `${id}/${k}`,
        now: NOW,
      })
  }
  return { t, ids }
}

const ok = { outcome: 'succeeded' as const, status_code: 204, latency_ms: 1, response_excerpt: null }

describe('claiming due deliveries from a list read ahead', () => {
  it('claims every delivery once, each only when it heads its queue, over many small claims', () => {
    const { t, ids } = queued(1200, 2) // more heads than one read-ahead list holds
    const seen: string[] = []
    for (;;) {
      const claims = t.stores.webhooks.claimDue(NOW, 7)
      if (claims.length === 0) break
      for (const claim of claims) {
        // The head of its queue: the first ping of a subscription before its second.
        const [sub, k] = claim.delivery.payload.split('/')
        if (k === '1') expect(seen).toContain(`${sub}/0`)
        expect(claim.url).toBe(`https://hooks.example/${sub}`)
        expect(claim.delivery).toMatchObject({ state: 'delivering', attempts: 1 })
        seen.push(claim.delivery.payload)
        t.stores.webhooks.finishAttempt(claim, ok, NOW)
      }
    }
    expect(seen).toHaveLength(ids.length * 2)
    expect(new Set(seen).size).toBe(ids.length * 2)
  })

  it('re-checks each listed head when it claims it: a disabled subscription, a new URL and a delivery in flight', () => {
    const { t, ids } = queued(3, 2)
    const [first] = t.stores.webhooks.claimDue(NOW, 1) // reads the heads of all three
    expect(first!.delivery.payload).toBe('ep_00000/0')
    t.stores.webhooks.disable(ids[1]!, 'test', NOW)
    t.stores.webhooks.update(
      ids[2]!,
      {
        url: 'https://moved.example/hook',
        description: null,
        events: [],
        jurisdictions: [],
        include_descendants: false,
        subjects: [],
      },
      NOW,
    )
    const next = t.stores.webhooks.claimDue(NOW, 5)
    // ep_00000 still has its head in flight, ep_00001 is disabled: only ep_00002, at its new address.
    expect(next.map((c) => [c.delivery.payload, c.url])).toEqual([['ep_00002/0', 'https://moved.example/hook']])
    t.stores.webhooks.finishAttempt(first!, ok, NOW)
    expect(t.stores.webhooks.claimDue(NOW, 5).map((c) => c.delivery.payload)).toEqual(['ep_00000/1'])
  })
})
