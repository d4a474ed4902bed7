import type { ChangeEvent, EventType, NewChangeEvent } from '../../domain/index.js'
import { jsonValues, multiRow, type Db } from '../open.js'

interface RawEvent {
  id: number
  type: EventType
  jurisdiction: string | null
  subject: string | null
  measure_id: string | null
  scraper_id: string | null
  changed_fields_json: string
  before_json: string | null
  after_json: string | null
  effective_date: string | null
  detected_at: string
  supersedes: number | null
  run_id: number | null
  snapshot_id: number | null
}

function fromRaw(r: RawEvent): ChangeEvent {
  const { changed_fields_json, before_json, after_json, ...rest } = r
  return {
    ...rest,
    changed_fields: JSON.parse(changed_fields_json) as string[],
    before: before_json ? (JSON.parse(before_json) as Record<string, unknown>) : null,
    after: after_json ? (JSON.parse(after_json) as Record<string, unknown>) : null,
  }
}

/**
 * Called inside the transaction that appends an event, with the stored event. The webhook outbox
 * registers here, so every path that records an event notifies subscribers atomically.
 */
export type EventListener = (event: ChangeEvent) => void

/** Like EventListener, for a whole batch of appended events at once (see `deferListeners`). */
export type EventBatchListener = (events: readonly ChangeEvent[]) => void

export interface EventPage {
  items: ChangeEvent[]
  next_cursor: string | null
}

export interface FeedFilter {
  since?: number
  jurisdictions?: string[]
  subject?: string
  types?: EventType[]
  /** The date the law changed, inclusive bounds (`YYYY-MM-DD`); events without an effective date never match. */
  effective_from?: string
  effective_to?: string
  /** When the change was detected, inclusive bounds (`YYYY-MM-DD`). */
  detected_from?: string
  detected_to?: string
  /** Only changes in law: `status.changed` and `status.corrected` with an effective date. */
  in_law?: boolean
  /** Leave out what is not news: details updates and a place's first, undated "what we know" rows. */
  notable?: boolean
  limit: number
}

/** SQL for "a change in law": a status change or correction dated by the law (an undated first row is not one). */
const IN_LAW = `type IN ('status.changed', 'status.corrected') AND effective_date IS NOT NULL`
const NOT_NOTABLE = `type = 'status.details_updated' OR (type LIKE 'status.%' AND effective_date IS NULL AND before_json IS NULL)`

/** The columns an event INSERT writes, in the order of `toValues`. */
const INSERT_COLUMNS = `type, jurisdiction, subject, measure_id, scraper_id, changed_fields_json,
  before_json, after_json, effective_date, detected_at, supersedes, run_id, snapshot_id`

/** An event's values in INSERT_COLUMNS order (positional: binding 13 named values from a spread copy cost more than the insert). */
function toValues(event: NewChangeEvent): unknown[] {
  return [
    event.type,
    event.jurisdiction,
    event.subject,
    event.measure_id,
    event.scraper_id,
    JSON.stringify(event.changed_fields),
    event.before ? JSON.stringify(event.before) : null,
    event.after ? JSON.stringify(event.after) : null,
    event.effective_date,
    event.detected_at,
    event.supersedes,
    event.run_id,
    event.snapshot_id,
  ]
}

/**
 * An appended event as listeners and callers get it: one object literal with every field, not a spread of the
 * new event (a batch of 10,000 events built faster this way, diff bench 2026-11, and an event carries
 * nothing it should not).
 */
function storedEvent(event: NewChangeEvent, id: number): ChangeEvent {
  return {
    type: event.type,
    jurisdiction: event.jurisdiction,
    subject: event.subject,
    measure_id: event.measure_id,
    scraper_id: event.scraper_id,
    changed_fields: event.changed_fields,
    before: event.before,
    after: event.after,
    effective_date: event.effective_date,
    detected_at: event.detected_at,
    supersedes: event.supersedes,
    run_id: event.run_id,
    snapshot_id: event.snapshot_id,
    id,
  }
}

/** Change events: append-only, with a monotonic id that serves as the feed cursor. */
export function eventStore(db: Db) {
  const listeners: EventListener[] = []
  const batchListeners: EventBatchListener[] = []
  // While `deferListeners` runs, appended events wait here and listeners see them together at its end.
  let deferred: ChangeEvent[] | null = null
  let listenerMs = 0
  // The JSON of each appended event's before and after, until its listeners have run: the webhook outbox
  // copies them into payloads, and serialising them again was a fifth of its time (diff bench, 2026-11).
  // (A plain map emptied after each notification: a WeakMap of every event cost the collector more.)
  const sides = new Map<ChangeEvent, { before: string | null; after: string | null }>()
  const notify = (appended: readonly ChangeEvent[]) => {
    const started = performance.now()
    try {
      for (const event of appended) for (const listener of listeners) listener(event)
      for (const listener of batchListeners) listener(appended)
    } finally {
      sides.clear()
      listenerMs += performance.now() - started
    }
  }
  // Up to INSERT_CHUNK events per statement (13 values each), one prepared statement per size.
  const INSERT_CHUNK = 500
  const insertManyOf = multiRow(
    db,
    (values) => `INSERT INTO change_events (${INSERT_COLUMNS}) VALUES ${values} RETURNING id`,
    13,
  )
  const insertStmt = insertManyOf(1)
  const getStmt = db.prepare('SELECT * FROM change_events WHERE id = ?')
  const forJurisdictionStmt =
    db.prepare(`SELECT * FROM change_events WHERE jurisdiction = @j AND (id < @before OR @before IS NULL)
    ORDER BY id DESC LIMIT @limit`)
  const lastIdStmt = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM change_events')

  return {
    onAppend(listener: EventListener): void {
      listeners.push(listener)
    },
    /** Registers a listener that receives appended events in batches (one event, or a whole `deferListeners` batch). */
    onAppendBatch(listener: EventBatchListener): void {
      batchListeners.push(listener)
    },
    /**
     * Runs `fn` with listeners deferred to its end, so they handle its events in one go (one read of
     * the subscriptions, one bulk write of outbox rows). Call inside the transaction that appends:
     * the listeners still run inside it. Nested calls join the outer batch.
     */
    deferListeners<T>(fn: () => T): T {
      if (deferred) return fn()
      deferred = []
      try {
        const out = fn()
        const appended = deferred
        deferred = null
        if (appended.length) notify(appended)
        return out
      } finally {
        deferred = null
        sides.clear()
      }
    },
    /** The JSON text of an appended event's before and after as stored, while its listeners run. */
    sidesJson: (event: ChangeEvent): { before: string | null; after: string | null } | undefined => sides.get(event),
    /** Milliseconds spent in listeners since this store was created (the bench's outbox share). */
    listenerMs: (): number => listenerMs,
    /** Appends one event and runs the listeners; call inside the transaction that made the change. */
    append(event: NewChangeEvent): ChangeEvent {
      const values = toValues(event)
      const stored = storedEvent(event, insertStmt.get(values) as number)
      sides.set(stored, { before: values[6] as string | null, after: values[7] as string | null })
      if (deferred) deferred.push(stored)
      else notify([stored])
      return stored
    },
    /** `append` for many events, with a few multi-row INSERTs; the listeners get them in order, in one batch. */
    appendMany(events: readonly NewChangeEvent[]): ChangeEvent[] {
      const out: ChangeEvent[] = []
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        const chunk = events.slice(i, i + INSERT_CHUNK)
        const values = chunk.map(toValues)
        const flat: unknown[] = []
        for (const v of values) for (const x of v) flat.push(x) // (Array.prototype.flat cost ~5 µs a row here)
        // Ids are given in VALUES order; RETURNING may list them in any order, so they are sorted.
        const ids = (insertManyOf(chunk.length).all(flat) as number[]).sort((a, b) => a - b)
        chunk.forEach((event, j) => {
          const stored = storedEvent(event, ids[j]!)
          sides.set(stored, { before: values[j]![6] as string | null, after: values[j]![7] as string | null })
          out.push(stored)
        })
      }
      if (deferred) for (const stored of out) deferred.push(stored)
      else if (out.length) notify(out)
      return out
    },
    get: (id: number): ChangeEvent | undefined => {
      const raw = getStmt.get(id) as RawEvent | undefined
      return raw ? fromRaw(raw) : undefined
    },
    lastId: (): number => (lastIdStmt.get() as { id: number }).id,
    /** A jurisdiction's events, newest first; the cursor is the last id seen. */
    forJurisdiction(jurisdiction: string, page: { cursor?: number; limit: number }): EventPage {
      const rows = (
        forJurisdictionStmt.all({ j: jurisdiction, before: page.cursor ?? null, limit: page.limit + 1 }) as RawEvent[]
      ).map(fromRaw)
      const items = rows.slice(0, page.limit)
      return { items, next_cursor: rows.length > page.limit ? String(items.at(-1)!.id) : null }
    },
    /**
     * Events matching a filter, at most `limit`: oldest first, newest first (`order: 'desc'`), or by
     * the date the law changed, newest first (`order: 'effective_desc'`, skipping `offset`).
     */
    query(
      filter: FeedFilter & { before?: number; order?: 'asc' | 'desc' | 'effective_desc'; offset?: number },
    ): ChangeEvent[] {
      const where: string[] = ['1 = 1']
      const params: Record<string, unknown> = { limit: filter.limit }
      if (filter.since !== undefined) {
        where.push('id > @since')
        params.since = filter.since
      }
      if (filter.before !== undefined) {
        where.push('id < @before')
        params.before = filter.before
      }
      if (filter.jurisdictions?.length) {
        where.push(`jurisdiction IN (${jsonValues(db, '@jurisdictions')})`)
        params.jurisdictions = JSON.stringify(filter.jurisdictions)
      }
      if (filter.subject) {
        where.push('subject = @subject')
        params.subject = filter.subject
      }
      if (filter.types?.length) {
        where.push(`type IN (${jsonValues(db, '@types')})`)
        params.types = JSON.stringify(filter.types)
      }
      const bounds = [
        ['effective_from', 'effective_date >= @effective_from'],
        ['effective_to', 'effective_date <= @effective_to'],
        ['detected_from', 'substr(detected_at, 1, 10) >= @detected_from'],
        ['detected_to', 'substr(detected_at, 1, 10) <= @detected_to'],
      ] as const
      for (const [key, sql] of bounds) {
        if (filter[key] === undefined) continue
        where.push(sql)
        params[key] = filter[key]
      }
      if (filter.in_law) where.push(IN_LAW)
      if (filter.notable) where.push(`NOT (${NOT_NOTABLE})`)
      const order =
        filter.order === 'effective_desc'
          ? 'effective_date DESC, id DESC'
          : filter.order === 'desc'
            ? 'id DESC'
            : 'id ASC'
      params.offset = filter.offset ?? 0
      return (
        db
          .prepare(
            `SELECT * FROM change_events WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
          )
          .all(params) as RawEvent[]
      ).map(fromRaw)
    },
    /** The global feed, oldest first after `since`; the cursor is the last id returned. */
    feed(filter: FeedFilter): EventPage {
      const rows = this.query({ ...filter, limit: filter.limit + 1 })
      const items = rows.slice(0, filter.limit)
      const last = items.at(-1)
      return { items, next_cursor: last ? String(last.id) : filter.since !== undefined ? String(filter.since) : null }
    },
  }
}
export type EventStore = ReturnType<typeof eventStore>
