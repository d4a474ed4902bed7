import type { Stores } from '../db/stores/index.js'
import type { NewEventMessage, Subscription } from '../db/stores/webhooks.js'
import type { ChangeEvent } from '../domain/index.js'
import { createStatusViews } from '../read/status-view.js'
import { matches } from './match.js'
import { eventPayload, eventPayloadParts, pingPayload, type EffectiveSummary } from './payload.js'

/** The outbox side of webhooks: fills deliveries from events and tells the worker there is work. */
export interface Outbox {
  /** Registers a callback run (after the current transaction) whenever deliveries were queued. */
  onQueued(fn: () => void): void
  /** Tells the worker (if one runs in this process) that deliveries may be due now. */
  notify(): void
  /** Queues a `webhook.ping` for one subscription; returns its delivery id. */
  ping(sub: Subscription, at: Date): string
  /** Re-sends every matching event detected since `since` (new rows or requeued ones); returns how many. */
  recover(sub: Subscription, since: string, at: Date): number
}

function lineageOf(stores: Stores, code: string | null): string[] {
  if (code === null) return []
  return stores.jurisdictions.chain(code)?.map((j) => j.code) ?? [code]
}

/**
 * Registers the outbox listener on `stores.events`: every appended event that matches an enabled
 * subscription becomes a delivery row inside the same transaction as the event, so nothing can
 * be lost between them. Call once per process, right after `createStores`.
 */
export function registerOutbox(stores: Stores, options: { publicBaseUrl: string }): Outbox {
  const outbox = createOutbox(stores, options)
  stores.events.onAppendBatch(outbox.listener)
  registered.set(stores, outbox)
  return outbox
}

// The outbox registered for each set of stores, so routes in the same process (role all) can wake
// the worker after a ping or recover; elsewhere the worker's polling picks those rows up.
const registered = new WeakMap<Stores, Outbox & { listener: (events: readonly ChangeEvent[]) => void }>()

/** The outbox registered for these stores by `registerOutbox`, or an unregistered one (role api). */
export function outboxFor(stores: Stores, options: { publicBaseUrl: string }): Outbox {
  return registered.get(stores) ?? createOutbox(stores, options)
}

function createOutbox(
  stores: Stores,
  options: { publicBaseUrl: string },
): Outbox & { listener: (events: readonly ChangeEvent[]) => void } {
  const { webhooks } = stores
  const queuedListeners: (() => void)[] = []
  let notifyPending = false
  const notify = () => {
    if (notifyPending || queuedListeners.length === 0) return
    notifyPending = true
    // After the transaction that queued them commits (better-sqlite3 transactions are synchronous).
    setImmediate(() => {
      notifyPending = false
      for (const fn of queuedListeners) fn()
    })
  }

  // The place's effective answer on the event's date, so a subscriber hears "unknown" where the law is unconfirmed.
  const views = createStatusViews(stores)
  // A batch's events share one resolver: each place's timeline is read once for all of them.
  const effectiveOf = (
    event: ChangeEvent,
    effective: ReturnType<typeof views.effectiveResolver>,
  ): EffectiveSummary | undefined => {
    if (!event.type.startsWith('status.') || !event.jurisdiction || !event.subject) return undefined
    const e = effective(event.jurisdiction, event.subject, event.effective_date ?? event.detected_at.slice(0, 10))
    return (
      e && {
        status: e.status,
        at_least: e.at_least,
        decided_by: e.decided_by,
        unconfirmed: e.unconfirmed,
        explanation: e.explanation,
      }
    )
  }
  const payloadOf = (event: ChangeEvent, effective = views.effectiveResolver()) =>
    eventPayload(event, options.publicBaseUrl, effectiveOf(event, effective))
  // An appended event's body as the text around its before and after, which the event row holds already
  // (stored once: webhook_payloads.tail); the whole body when it cannot be (over 20 kB, or not appended here).
  const partsOf = (event: ChangeEvent, effective: ReturnType<typeof views.effectiveResolver>) => {
    const sides = stores.events.sidesJson(event)
    const summary = effectiveOf(event, effective)
    const parts = sides && eventPayloadParts(event, options.publicBaseUrl, summary, sides)
    return parts
      ? { payload: parts.head, payload_tail: parts.tail }
      : { payload: eventPayload(event, options.publicBaseUrl, summary), payload_tail: null }
  }

  const enqueueEvent = (sub: Subscription, event: ChangeEvent, payload: string): boolean =>
    webhooks.enqueue({
      subscription_id: sub.id,
      event_id: event.id,
      type: event.type,
      payload,
      now: event.detected_at,
    }) !== null

  // One call per batch of events (a whole diff-engine batch): subscriptions are read once and the rows written in bulk.
  const listener = (appended: readonly ChangeEvent[]): void => {
    const subs = webhooks.enabled()
    if (subs.length === 0) return
    // The chain walk is needed only by subscriptions that follow a place with its descendants.
    const needsLineage = subs.some((sub) => sub.include_descendants && sub.jurisdictions.length)
    const messages: NewEventMessage[] = []
    const lineages = new Map<string | null, string[]>()
    // Whether a subscription wants an event depends only on its type, place and subject: matched once per
    // distinct triple in a batch (a batch of 10,000 events has a few hundred), not once per event and subscription.
    const wanted = new Map<string, string[]>()
    const effective = views.effectiveResolver()
    for (const event of appended) {
      const key = `${event.type}|${event.jurisdiction}|${event.subject}`
      let receivers = wanted.get(key)
      if (!receivers) {
        let lineage = lineages.get(event.jurisdiction)
        if (!lineage)
          lineages.set(event.jurisdiction, (lineage = needsLineage ? lineageOf(stores, event.jurisdiction) : []))
        const l = lineage
        wanted.set(key, (receivers = subs.filter((sub) => matches(sub, event, l)).map((sub) => sub.id)))
      }
      if (receivers.length === 0) continue
      const body = partsOf(event, effective)
      messages.push({ event_id: event.id, ...body, now: event.detected_at, subscription_ids: receivers })
    }
    if (messages.length && webhooks.enqueueEvents(messages)) notify()
  }

  return {
    listener,
    notify,
    onQueued(fn) {
      queuedListeners.push(fn)
    },
    ping(sub, at) {
      // A ping has no event, so it is never a duplicate: it always gets an id.
      const id = webhooks.enqueue({
        subscription_id: sub.id,
        event_id: null,
        type: 'webhook.ping',
        payload: pingPayload(sub.id, at),
        now: at.toISOString(),
      })!
      notify()
      return id
    },
    recover(sub, since, at) {
      const now = at.toISOString()
      let count = 0
      stores.db
        .transaction(() => {
          for (const eventId of webhooks.eventIdsSince(since)) {
            const event = stores.events.get(eventId)
            if (!event || !matches(sub, event, lineageOf(stores, event.jurisdiction))) continue
            const existing = webhooks.deliveryForEvent(sub.id, event.id)
            if (existing ? webhooks.requeue(existing, 'recover', now) : enqueueEvent(sub, event, payloadOf(event)))
              count++
          }
        })
        .immediate()
      if (count) notify()
      return count
    },
  }
}
