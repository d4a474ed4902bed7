import type { EventType } from '../../domain/index.js'
import { jsonValues, multiRow, type Db } from '../open.js'
import { RUN_OWNER } from './runs.js'

/** A webhook subscription as the API shows it (never with its secret). */
export interface Subscription {
  id: string
  key_id: number
  url: string
  description: string | null
  events: EventType[]
  jurisdictions: string[]
  include_descendants: boolean
  subjects: string[]
  enabled: boolean
  disabled_reason: string | null
  disabled_at: string | null
  failing_since: string | null
  created_at: string
  updated_at: string
}

/** The fields a key chooses when it creates or changes a subscription. */
export interface SubscriptionInput {
  url: string
  description: string | null
  events: EventType[]
  jurisdictions: string[]
  include_descendants: boolean
  subjects: string[]
}

export type DeliveryState = 'pending' | 'delivering' | 'succeeded' | 'failed'
export type DeliveryTrigger = 'scheduled' | 'redeliver' | 'recover'

/** One outbox row: a message for one subscription, with its delivery state. */
export interface Delivery {
  seq: number
  id: string
  subscription_id: string
  event_id: number | null
  type: string
  payload: string
  state: DeliveryState
  attempts: number
  trigger: DeliveryTrigger
  next_attempt_at: string
  last_error: string | null
  created_at: string
  updated_at: string
  delivered_at: string | null
}

/** One HTTP attempt of a delivery, as logged. */
export interface Attempt {
  id: number
  delivery_seq: number
  attempt: number
  trigger: DeliveryTrigger
  started_at: string
  finished_at: string | null
  outcome: 'in_flight' | 'succeeded' | 'failed' | 'interrupted'
  status_code: number | null
  latency_ms: number | null
  error: string | null
  response_excerpt: string | null
}

/** A delivery the worker has claimed: the row, its attempt id, and where to send it. */
export interface ClaimedDelivery {
  delivery: Delivery
  attempt_id: number
  url: string
}

export interface NewDelivery {
  subscription_id: string
  event_id: number | null
  type: string
  /** The body, or with `payload_tail` the text before the event's `before` JSON (see eventPayloadParts). */
  payload: string
  /** Set: the body is `payload` + the event's before JSON + `,"after":` + its after JSON + this. */
  payload_tail?: string | null
  now: string
}

/** One event's message for the subscriptions that want it: one stored body, a delivery for each. */
export interface NewEventMessage {
  event_id: number
  /** The body's head: the text before the event's `before` JSON (see eventPayloadParts), or with no tail the whole body. */
  payload: string
  /** Set: the body is `payload` + the event's before JSON + `,"after":` + its after JSON + this. */
  payload_tail: string | null
  now: string
  subscription_ids: readonly string[]
}

/** How a finished attempt ended, as the worker decided it. */
export type AttemptResult =
  | { outcome: 'succeeded'; status_code: number; latency_ms: number; response_excerpt: string | null }
  | {
      outcome: 'failed'
      status_code: number | null
      latency_ms: number
      error: string
      response_excerpt: string | null
      /** When to try again; null = no attempts left (the delivery is failed). */
      retry_at: string | null
      /** Set when the subscription must be disabled (410, or failing too long). */
      disable_reason: string | null
    }

interface RawSubscription {
  id: string
  key_id: number
  url: string
  description: string | null
  events_json: string
  jurisdictions_json: string
  include_descendants: number
  subjects_json: string
  enabled: number
  disabled_reason: string | null
  disabled_at: string | null
  failing_since: string | null
  created_at: string
  updated_at: string
}

function fromRaw(r: RawSubscription): Subscription {
  return {
    id: r.id,
    key_id: r.key_id,
    url: r.url,
    description: r.description,
    events: JSON.parse(r.events_json) as EventType[],
    jurisdictions: JSON.parse(r.jurisdictions_json) as string[],
    include_descendants: r.include_descendants === 1,
    subjects: JSON.parse(r.subjects_json) as string[],
    enabled: r.enabled === 1,
    disabled_reason: r.disabled_reason,
    disabled_at: r.disabled_at,
    failing_since: r.failing_since,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

const toRaw = (s: SubscriptionInput) => ({
  url: s.url,
  description: s.description,
  events_json: JSON.stringify(s.events),
  jurisdictions_json: JSON.stringify(s.jurisdictions),
  include_descendants: s.include_descendants ? 1 : 0,
  subjects_json: JSON.stringify(s.subjects),
})

/** Webhook subscriptions, their secrets, the delivery outbox and the attempt log. */
export function webhookStore(db: Db) {
  /**
   * Delivery claims and results: on SQLite an immediate transaction (the one writer); on PostgreSQL a
   * plain one, where row locks (SKIP LOCKED on claims) let several workers deliver at once instead of
   * queueing behind the cluster-wide writer lock.
   */
  const rowLocked = <T>(fn: () => T): T => {
    const tx = db.transaction(fn)
    return db.dialect === 'postgres' ? tx.deferred() : tx.immediate()
  }

  const insertSub =
    db.prepare(`INSERT INTO webhook_subscriptions (id, key_id, url, description, events_json, jurisdictions_json,
      include_descendants, subjects_json, created_at, updated_at)
    VALUES (@id, @key_id, @url, @description, @events_json, @jurisdictions_json, @include_descendants, @subjects_json, @now, @now)`)
  const updateSub =
    db.prepare(`UPDATE webhook_subscriptions SET url = @url, description = @description, events_json = @events_json,
      jurisdictions_json = @jurisdictions_json, include_descendants = @include_descendants, subjects_json = @subjects_json, updated_at = @now
    WHERE id = @id`)
  const getSub = db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?')
  const listAll = db.prepare(
    'SELECT * FROM webhook_subscriptions WHERE (id > @after OR @after IS NULL) ORDER BY id LIMIT @limit',
  )
  const listByKey = db.prepare(
    'SELECT * FROM webhook_subscriptions WHERE key_id = @key_id AND (id > @after OR @after IS NULL) ORDER BY id LIMIT @limit',
  )
  const enabledSubs = db.prepare('SELECT * FROM webhook_subscriptions WHERE enabled = 1 ORDER BY id')
  const deleteSub = db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?')
  const enableSub = db.prepare(
    'UPDATE webhook_subscriptions SET enabled = 1, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, updated_at = @now WHERE id = @id',
  )
  const disableByKey =
    db.prepare(`UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = @reason, disabled_at = @now, updated_at = @now
    WHERE key_id = @key_id AND enabled = 1`)
  const disableSub = db.prepare(
    'UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = @reason, disabled_at = @now, updated_at = @now WHERE id = @id AND enabled = 1',
  )
  const markFailing = db.prepare(
    'UPDATE webhook_subscriptions SET failing_since = COALESCE(failing_since, @now) WHERE id = @id',
  )
  const clearFailing = db.prepare(
    'UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL',
  )

  const insertSecret = db.prepare('INSERT INTO webhook_secrets (subscription_id, secret, created_at) VALUES (?, ?, ?)')
  const expireCurrent = db.prepare(
    'UPDATE webhook_secrets SET expires_at = @expires_at WHERE subscription_id = @id AND (expires_at IS NULL OR expires_at > @expires_at)',
  )
  const liveSecrets = db
    .prepare(
      'SELECT secret FROM webhook_secrets WHERE subscription_id = @id AND (expires_at IS NULL OR expires_at > @now) ORDER BY id DESC',
    )
    .pluck()
  const pruneSecrets = db.prepare('DELETE FROM webhook_secrets WHERE expires_at IS NOT NULL AND expires_at <= ?')

  // A message body is stored once (webhook_payloads) and every delivery of it points there: before, each of
  // an event's deliveries held its own copy, and the bodies were most of what a diff batch wrote (issue 14).
  const insertPayload = db
    .prepare('INSERT INTO webhook_payloads (event_id, body, tail, created_at) VALUES (?, ?, ?, ?) RETURNING id')
    .pluck()
  // A delivery's body, from its webhook_payloads row `p` and that row's event `e` (LEFT JOINed).
  const BODY = `CASE WHEN p.tail IS NULL THEN p.body
    ELSE p.body || COALESCE(e.before_json, 'null') || ',"after":' || COALESCE(e.after_json, 'null') || p.tail END`
  // Every delivery's message id (the `webhook-id` header, stable across retries) is drawn by the database:
  // `msg_` + 24 hex digits, 96 random bits on SQLite, 90 on PostgreSQL (the first 24 digits of a v4 UUID, one
  // of whose digits is fixed). Unique, not secret.
  const NEW_MESSAGE_ID =
    db.dialect === 'sqlite'
      ? `'msg_' || lower(hex(randomblob(12)))`
      : `'msg_' || substr(replace(CAST(gen_random_uuid() AS text), '-', ''), 1, 24)`
  const insertDelivery = db
    .prepare(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, type, payload_id, next_attempt_at, created_at, updated_at)
    VALUES (${NEW_MESSAGE_ID}, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
    )
    .pluck()
  const deletePayload = db.prepare('DELETE FROM webhook_payloads WHERE id = ?')
  // Bodies in bulk: one prepared INSERT of up to ENQUEUE_CHUNK rows, kept per row count, returning their ids.
  const ENQUEUE_CHUNK = 500
  const insertPayloadsOf = multiRow(
    db,
    (v) => `INSERT INTO webhook_payloads (event_id, body, tail, created_at) VALUES ${v} RETURNING id`,
    4,
  )
  // One subscription's deliveries of a batch of stored bodies (`@ids`, a JSON array of webhook_payloads ids),
  // in body order.
  const fanOut = db
    .prepare(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, type, payload_id, next_attempt_at, created_at, updated_at)
    SELECT ${NEW_MESSAGE_ID}, @sub, p.event_id, e.type, p.id, p.created_at, p.created_at, p.created_at
      FROM webhook_payloads p JOIN change_events e ON e.id = p.event_id
      WHERE p.id IN (${jsonValues(db, '@ids', 'integer')}) ORDER BY p.id
    ON CONFLICT DO NOTHING RETURNING payload_id`,
    )
    .pluck()
  // The head of each enabled subscription's queue (lowest seq not yet settled), when it is due.
  // A subscription with a delivery in flight has a 'delivering' head, so it is skipped: one at a
  // time, in order. Driven by subscriptions and the partial index of open deliveries, so its cost
  // grows with the number of subscriptions, not with the backlog or the delivery history.
  const HEADS = `SELECT d.*, s.url AS url FROM webhook_subscriptions s
    JOIN webhook_deliveries d ON d.seq = (SELECT MIN(h.seq) FROM webhook_deliveries h WHERE h.subscription_id = s.id AND h.state IN ('pending', 'delivering'))
    WHERE s.enabled = 1 AND d.state = 'pending'`
  const dueSeqsStmt = db
    .prepare(
      `SELECT seq FROM (${HEADS} AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.seq LIMIT @limit) AS heads`,
    )
    .pluck()
  // Claims one row if it is still what the heads query found: pending, due, the head of its queue, its subscription enabled.
  // On PostgreSQL a row another worker is claiming right now is skipped, not waited for (SKIP LOCKED).
  const claimStmt =
    db.prepare(`UPDATE webhook_deliveries SET state = 'delivering', attempts = attempts + 1, updated_at = @now, claimed_by = @owner
    WHERE seq = ${db.dialect === 'postgres' ? '(SELECT seq FROM webhook_deliveries WHERE seq = @seq FOR UPDATE SKIP LOCKED)' : '@seq'}
      AND state = 'pending' AND next_attempt_at <= @now
      AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = webhook_deliveries.subscription_id AND s.enabled = 1)
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries h WHERE h.subscription_id = webhook_deliveries.subscription_id
        AND h.state IN ('pending', 'delivering') AND h.seq < webhook_deliveries.seq)
    RETURNING seq, id, subscription_id, event_id, type,
      (SELECT ${BODY} FROM webhook_payloads p LEFT JOIN change_events e ON e.id = p.event_id
        WHERE p.id = webhook_deliveries.payload_id) AS payload,
      state, attempts, trigger, next_attempt_at, last_error, created_at, updated_at, delivered_at,
      (SELECT url FROM webhook_subscriptions s WHERE s.id = webhook_deliveries.subscription_id) AS url`)
  // The heads query walks every enabled subscription, so it runs for up to CLAIM_AHEAD heads at once and
  // later claims take from that list (each re-checked by claimStmt); a list older than CLAIM_AHEAD_MS is
  // read again, so a delivery that came due waits at most that long behind it. Before, each claim walked
  // every subscription: 10,000 subscriptions took 49x the time of 1,000 (bench growth case, 2026-11).
  const CLAIM_AHEAD = 1000
  const CLAIM_AHEAD_MS = 1000
  let ahead: number[] = []
  let aheadNext = 0
  let aheadAt = -Infinity
  const nextDueStmt = db.prepare(`SELECT MIN(next_attempt_at) FROM (${HEADS}) AS heads`).pluck()
  const insertAttempt = db
    .prepare(
      `INSERT INTO webhook_attempts (delivery_seq, attempt, trigger, started_at) VALUES (@seq, @attempt, @trigger, @now) RETURNING id`,
    )
    .pluck()
  const finishAttemptStmt =
    db.prepare(`UPDATE webhook_attempts SET finished_at = @now, outcome = @outcome, status_code = @status_code,
      latency_ms = @latency_ms, error = @error, response_excerpt = @response_excerpt WHERE id = @id`)
  const settleDelivery =
    db.prepare(`UPDATE webhook_deliveries SET state = @state, next_attempt_at = COALESCE(@next_attempt_at, next_attempt_at),
      last_error = @last_error, delivered_at = COALESCE(@delivered_at, delivered_at), updated_at = @now WHERE seq = @seq`)
  // Deliveries in flight of the given owners ('' stands for none: rows claimed before owners were recorded).
  const ofOwners = `SELECT seq FROM webhook_deliveries WHERE state = 'delivering'
    AND COALESCE(claimed_by, '') IN (${jsonValues(db, '@owners')})`
  const inFlightOwners = db
    .prepare(`SELECT DISTINCT COALESCE(claimed_by, '') FROM webhook_deliveries WHERE state = 'delivering'`)
    .pluck()
  const interruptAttempts = db.prepare(`UPDATE webhook_attempts SET outcome = 'interrupted', finished_at = @now,
      error = 'the process stopped during this attempt; the delivery was resumed'
    WHERE outcome = 'in_flight' AND delivery_seq IN (${ofOwners})`)
  const resetDelivering = db.prepare(
    `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = @now, updated_at = @now, claimed_by = NULL
    WHERE seq IN (${ofOwners})`,
  )
  // A delivery as `Delivery`: its row with its body.
  const DELIVERY = `SELECT d.seq, d.id, d.subscription_id, d.event_id, d.type, ${BODY} AS payload, d.state, d.attempts,
      d.trigger, d.next_attempt_at, d.last_error, d.created_at, d.updated_at, d.delivered_at
    FROM webhook_deliveries d JOIN webhook_payloads p ON p.id = d.payload_id LEFT JOIN change_events e ON e.id = p.event_id`
  const getDelivery = db.prepare(`${DELIVERY} WHERE d.id = ?`)
  const requeue =
    db.prepare(`UPDATE webhook_deliveries SET state = 'pending', attempts = 0, trigger = @trigger, next_attempt_at = @now, last_error = NULL, updated_at = @now
    WHERE seq = @seq AND state != 'delivering'`)
  const deliveriesPage = db.prepare(`${DELIVERY} WHERE d.subscription_id = @id AND (d.seq < @before OR @before IS NULL)
    AND (d.state = @state OR @state IS NULL) ORDER BY d.seq DESC LIMIT @limit`)
  const attemptsOf = db.prepare(
    `SELECT * FROM webhook_attempts WHERE delivery_seq IN (${jsonValues(db, '?', 'integer')}) ORDER BY delivery_seq, id`,
  )
  const eventIdsSince = db.prepare('SELECT id FROM change_events WHERE detected_at >= ? ORDER BY id').pluck()
  const deliveryForEvent = db.prepare(`${DELIVERY} WHERE d.subscription_id = ? AND d.event_id = ?`)

  const get = (id: string): Subscription | undefined => {
    const raw = getSub.get(id) as RawSubscription | undefined
    return raw ? fromRaw(raw) : undefined
  }

  // The outbox asks for the enabled subscriptions on every event appended; a batch appends many in
  // one synchronous transaction. Kept until the next macrotask (so another process's change is seen
  // by the next batch) or until this store changes a subscription.
  let enabledCache: Subscription[] | null = null
  const changed = <T>(result: T): T => {
    enabledCache = null
    return result
  }

  return {
    /** Creates a subscription owned by `keyId` with its first signing secret. */
    create(id: string, keyId: number, input: SubscriptionInput, secret: string, now: string): Subscription {
      enabledCache = null
      db.transaction(() => {
        insertSub.run({ id, key_id: keyId, ...toRaw(input), now })
        insertSecret.run(id, secret, now)
      }).immediate()
      return get(id)!
    },
    get,
    /** Subscriptions in id order: one key's, or every key's when `keyId` is null (admin). */
    list(keyId: number | null, page: { after?: string; limit: number }): Subscription[] {
      const params = { key_id: keyId, after: page.after ?? null, limit: page.limit }
      return ((keyId === null ? listAll : listByKey).all(params) as RawSubscription[]).map(fromRaw)
    },
    /** Every enabled subscription (the outbox matches events against these). */
    enabled(): Subscription[] {
      if (!enabledCache) {
        enabledCache = (enabledSubs.all() as RawSubscription[]).map(fromRaw)
        setImmediate(() => (enabledCache = null))
      }
      return enabledCache
    },
    /** Replaces the chosen fields. */
    update(id: string, input: SubscriptionInput, now: string): Subscription | undefined {
      changed(updateSub.run({ id, ...toRaw(input), now }))
      return get(id)
    },
    /** Deletes a subscription with its secrets, deliveries and attempts. */
    delete: (id: string): boolean => changed(deleteSub.run(id)).changes === 1,
    /** Re-enables a disabled subscription; its pending deliveries resume. */
    enable: (id: string, now: string): void => void changed(enableSub.run({ id, now })),
    /** Disables a subscription with a reason people can read. */
    disable: (id: string, reason: string, now: string): boolean =>
      changed(disableSub.run({ id, reason, now })).changes === 1,
    /** Disables every subscription of an API key (when the key is revoked); returns how many. */
    disableForKey: (keyId: number, reason: string, now: string): number =>
      changed(disableByKey.run({ key_id: keyId, reason, now })).changes,

    /** Adds a new current secret; the previous ones keep signing until `oldExpiresAt`. */
    rotateSecret(id: string, secret: string, now: string, oldExpiresAt: string): void {
      db.transaction(() => {
        expireCurrent.run({ id, expires_at: oldExpiresAt })
        insertSecret.run(id, secret, now)
        pruneSecrets.run(now)
      }).immediate()
    },
    /** Secrets that sign at `now`, newest first. */
    secrets: (id: string, now: string): string[] => liveSecrets.all({ id, now }) as string[],

    /**
     * Adds one outbox row with its body; returns its message id, or null when this subscription already
     * has a delivery of the event (nothing is added).
     */
    enqueue: (d: NewDelivery): string | null =>
      db
        .transaction(() => {
          const payloadId = insertPayload.get(d.event_id, d.payload, d.payload_tail ?? null, d.now) as number
          const id = insertDelivery.get(d.subscription_id, d.event_id, d.type, payloadId, d.now, d.now, d.now) as
            string | undefined
          if (id === undefined) deletePayload.run(payloadId)
          return id ?? null
        })
        .immediate(),
    /**
     * Queues the messages of many events (the outbox's batch): each event's body is stored once, and
     * each subscription's deliveries are made by one INSERT … SELECT in event order, with message ids
     * drawn by the database. A delivery a subscription already has for the event is skipped; returns how
     * many were new.
     */
    enqueueEvents(messages: readonly NewEventMessage[]): number {
      const payloadIds = new Array<number>(messages.length)
      for (let i = 0; i < messages.length; i += ENQUEUE_CHUNK) {
        const n = Math.min(ENQUEUE_CHUNK, messages.length - i)
        const values = new Array<unknown>(n * 4)
        for (let j = 0; j < n; j++) {
          const m = messages[i + j]!
          values[j * 4] = m.event_id
          values[j * 4 + 1] = m.payload
          values[j * 4 + 2] = m.payload_tail
          values[j * 4 + 3] = m.now
        }
        // Ids are given in VALUES order; RETURNING may list them in any order, so they are sorted.
        const ids = (insertPayloadsOf(n).all(values) as number[]).sort((x, y) => x - y)
        for (let j = 0; j < n; j++) payloadIds[i + j] = ids[j]!
      }
      const bySubscription = new Map<string, number[]>()
      messages.forEach((m, i) => {
        for (const sub of m.subscription_ids) {
          const ids = bySubscription.get(sub)
          if (ids) ids.push(payloadIds[i]!)
          else bySubscription.set(sub, [payloadIds[i]!])
        }
      })
      const used = new Set<number>()
      let queued = 0
      for (const [sub, ids] of bySubscription) {
        const inserted = fanOut.all({ sub, ids: JSON.stringify(ids) }) as number[]
        queued += inserted.length
        for (const id of inserted) used.add(id)
      }
      // A body whose every delivery was a duplicate is not kept.
      if (used.size < payloadIds.length) for (const id of payloadIds) if (!used.has(id)) deletePayload.run(id)
      return queued
    },
    getDelivery: (id: string): Delivery | undefined => getDelivery.get(id) as Delivery | undefined,
    /** Subject ids that exist, for validating subscription filters. */
    /** Ids of every change event detected at or after `since` (ISO time), oldest first, for recovery. */
    eventIdsSince: (since: string): number[] => eventIdsSince.all(since) as number[],
    deliveryForEvent: (subscriptionId: string, eventId: number): Delivery | undefined =>
      deliveryForEvent.get(subscriptionId, eventId) as Delivery | undefined,
    /**
     * Claims up to `limit` due deliveries (the head of each subscription's queue), marks them in
     * flight and opens an attempt row for each, in one transaction.
     */
    claimDue(now: string, limit: number, owner: string = RUN_OWNER): ClaimedDelivery[] {
      if (limit <= 0) return []
      return rowLocked(() => {
        const claimed: ClaimedDelivery[] = []
        let refreshed = false
        while (claimed.length < limit) {
          if (aheadNext >= ahead.length || (!refreshed && performance.now() - aheadAt > CLAIM_AHEAD_MS)) {
            if (refreshed) break
            ahead = dueSeqsStmt.all({ now, limit: Math.max(limit, CLAIM_AHEAD) }) as number[]
            aheadNext = 0
            aheadAt = performance.now()
            refreshed = true
            if (ahead.length === 0) break
          }
          const got = claimStmt.get({ seq: ahead[aheadNext++], now, owner }) as (Delivery & { url: string }) | undefined
          if (!got) continue
          const { url, ...row } = got
          const attemptId = Number(
            insertAttempt.get({ seq: row.seq, attempt: row.attempts, trigger: row.trigger, now }),
          )
          claimed.push({ delivery: row, attempt_id: attemptId, url })
        }
        return claimed
      })
    },
    /** The earliest time the head of an enabled subscription's queue is due, if any (a waiting delivery is not due before its head). */
    nextDueAt: (): string | null => (nextDueStmt.get() as string | null) ?? null,
    /** Records how an attempt ended and settles the delivery and the subscription, in one transaction. */
    finishAttempt(claim: ClaimedDelivery, result: AttemptResult, now: string): void {
      const { delivery } = claim
      rowLocked(() => {
        finishAttemptStmt.run({
          id: claim.attempt_id,
          now,
          outcome: result.outcome,
          status_code: result.status_code,
          latency_ms: result.latency_ms,
          error: result.outcome === 'failed' ? result.error : null,
          response_excerpt: result.response_excerpt,
        })
        if (result.outcome === 'succeeded') {
          settleDelivery.run({
            seq: delivery.seq,
            state: 'succeeded',
            next_attempt_at: null,
            last_error: null,
            delivered_at: now,
            now,
          })
          clearFailing.run(delivery.subscription_id)
          return
        }
        settleDelivery.run({
          seq: delivery.seq,
          state: result.retry_at ? 'pending' : 'failed',
          next_attempt_at: result.retry_at,
          last_error: result.error,
          delivered_at: null,
          now,
        })
        markFailing.run({ id: delivery.subscription_id, now })
        if (result.disable_reason)
          changed(disableSub.run({ id: delivery.subscription_id, reason: result.disable_reason, now }))
      })
    },
    /** The processes with deliveries in flight (null: rows claimed before owners were recorded). */
    inFlightOwners: (): (string | null)[] => (inFlightOwners.all() as string[]).map((o) => o || null),
    /**
     * The deliveries in flight of processes that died (or, at start, of this process's previous
     * life): their attempts are marked interrupted and the deliveries become due at once (the receiver
     * may get them twice, never zero times).
     */
    resumeInterrupted(now: string, owners: (string | null)[]): number {
      if (owners.length === 0) return 0
      const list = JSON.stringify(owners.map((o) => o ?? ''))
      return db
        .transaction(() => {
          interruptAttempts.run({ now, owners: list })
          return resetDelivering.run({ now, owners: list }).changes
        })
        .immediate()
    },
    /** Queues a delivery again from its first attempt, with the same webhook-id. */
    requeue: (delivery: Delivery, trigger: DeliveryTrigger, now: string): boolean =>
      requeue.run({ seq: delivery.seq, trigger, now }).changes === 1,
    /** A subscription's deliveries, newest first, each with every attempt. */
    deliveries(
      subscriptionId: string,
      page: { before?: number; state?: DeliveryState; limit: number },
    ): (Delivery & { attempt_log: Attempt[] })[] {
      const rows = deliveriesPage.all({
        id: subscriptionId,
        before: page.before ?? null,
        state: page.state ?? null,
        limit: page.limit,
      }) as Delivery[]
      // Every attempt of the page in one query, not one per delivery.
      const attempts = new Map<number, Attempt[]>()
      for (const a of attemptsOf.all(JSON.stringify(rows.map((d) => d.seq))) as (Attempt & {
        delivery_seq: number
      })[]) {
        attempts.set(a.delivery_seq, [...(attempts.get(a.delivery_seq) ?? []), a])
      }
      return rows.map((d) => ({ ...d, attempt_log: attempts.get(d.seq) ?? [] }))
    },
  }
}
export type WebhookStore = ReturnType<typeof webhookStore>
