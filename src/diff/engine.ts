import type { Stores } from '../db/stores/index.js'
import type { TimelineRow } from '../db/stores/timeline.js'
import {
  KIND_OF_TRUST,
  isoDay,
  type ChangeEvent,
  type Measure,
  type MeasureObservation,
  type NewChangeEvent,
  type Observation,
  type SourceRef,
  type StatusObservation,
  type Trust,
} from '../domain/index.js'
import { ObservationError } from '../errors.js'
import {
  compareDates,
  detailsDiff,
  indexAfter,
  materialDiff,
  measureDiff,
  observationDate,
  outranksOrEquals,
  planMeasureFromOtherSource,
  planStatus,
  replaceSources,
  reviewKey,
  rowAt,
  sameJson,
} from './plan.js'
import { recordView } from './views.js'

/** The sources an observation cites, as the timeline keeps them; a scraper's kind follows its trust tier. */
function sourcesOf(obs: StatusObservation, trust: Trust, sourceId: string): SourceRef[] {
  const listed = obs.sources ?? (obs.source_url ? [{ url: obs.source_url }] : [])
  const implied = trust === 'curated' ? undefined : KIND_OF_TRUST[trust]
  return listed.map((s) => {
    const kind = 'kind' in s ? s.kind : implied
    const title = 'title' in s ? s.title : undefined
    return { url: s.url, ...(kind ? { kind } : {}), ...(title ? { title } : {}), source_id: sourceId, trust }
  })
}

/** One source run's observations, with the evidence they came from. */
export interface Batch {
  /** The scraper id, or `curated-baseline`. */
  source_id: string
  trust: Trust
  run_id: number | null
  snapshot_id: number | null
  /** Validated observations (see `Observation` in domain). */
  observations: Observation[]
  /** Set when a maintainer approved these observations from the review queue. */
  approval?: { review_id: number; by: string; note: string | null }
}

/** Where the last `apply` spent its time: planning (pure), writing rows and events, and event listeners (the webhook outbox). */
export interface ApplyTimings {
  plan_ms: number
  write_ms: number
  outbox_ms: number
}

export interface ApplyResult {
  events: ChangeEvent[]
  confirmed: number
  held: number
  ignored: number
}

/**
 * The writes of one batch that wait for its end: its change events and new timeline rows, each kind
 * inserted with a few multi-row INSERTs. A pending row is the batch cache's row object itself, so what
 * the batch does to it later (closing it at the next row's date, confirming it again) is already in its
 * INSERT, where each was an UPDATE before (the diff bench's 10,000 changes made 9,375 of them). Events
 * keep their order, so their ids follow the observations as before.
 */
function batchWrites(stores: Stores, out: ApplyResult) {
  const queued: NewChangeEvent[] = []
  // Each pending row with the index of its event in `queued` (the row records the event's id).
  const rows = new Map<TimelineRow, number>()
  return {
    /** Queues an event, and the new row it creates (which gets the event's id). */
    event(event: NewChangeEvent, row?: TimelineRow): void {
      if (row) rows.set(row, queued.length)
      queued.push(event)
    },
    /** True while a row is queued (it has no id yet: changes to it are made to the object). */
    pending: (row: TimelineRow): boolean => rows.has(row),
    /** Writes what is queued: the events (the listeners still see them at the batch's end), then the rows. */
    flush(): void {
      if (queued.length === 0) return
      const stored = stores.events.appendMany(queued)
      for (const event of stored) out.events.push(event)
      for (const [row, i] of rows) row.created_event_id = stored[i]!.id
      const pending = [...rows.keys()]
      const ids = stores.timeline.insertMany(pending)
      pending.forEach((row, i) => (row.id = ids[i]!))
      queued.length = 0
      rows.clear()
    },
  }
}
type BatchWrites = ReturnType<typeof batchWrites>

/**
 * The diff engine: turns a batch of observations into timeline rows, change events, measure updates
 * and review-queue entries, in one transaction. Re-applying the same batch changes nothing.
 */
export function createDiffEngine(stores: Stores, clock: () => Date = () => new Date()) {
  const { db, timeline, events, measures, reviews, jurisdictions } = stores
  let planMs = 0
  let timings: ApplyTimings = { plan_ms: 0, write_ms: 0, outbox_ms: 0 }

  function checkReferences(obs: Observation, known: Set<string>): void {
    if (known.has(obs.jurisdiction)) return
    if (!jurisdictions.get(obs.jurisdiction)) {
      throw new ObservationError(
        `observation for unknown jurisdiction "${obs.jurisdiction}": add it to the dataset (src/baseline) or fix the scraper's code.`,
      )
    }
    const subject = obs.kind === 'status' ? obs.subject : obs.proposed_effect?.subject
    if (subject && !stores.subjects.has(subject)) {
      throw new ObservationError(
        `observation for unknown subject "${subject}": known subjects are listed in the subjects table.`,
      )
    }
    if (!subject || obs.kind === 'status') known.add(obs.jurisdiction)
  }

  /** Same place, subject and date must not say two different things in one batch. */
  function checkContradictions(batch: Batch): void {
    const seen = new Map<string, string>()
    for (const obs of batch.observations) {
      if (obs.kind !== 'status') continue
      const key = `${obs.jurisdiction}|${obs.subject}|${observationDate(obs, { trust: batch.trust, today: '' })}`
      const value = JSON.stringify([obs.status, obs.min_age, [...obs.conditions].sort(), obs.preempts_local])
      const prior = seen.get(key)
      if (prior !== undefined && prior !== value) {
        throw new ObservationError(
          `${batch.source_id}: two observations for ${key.replaceAll('|', ' / ')} disagree (${prior} vs ${value}); the source contradicts itself or the parser reads it twice.`,
        )
      }
      seen.set(key, value)
    }
  }

  function applyStatus(
    batch: Batch,
    obs: StatusObservation,
    now: string,
    today: string,
    out: ApplyResult,
    cache: Map<string, TimelineRow[]>,
    verifications: Map<string, number[]>,
    writes: BatchWrites,
  ): void {
    // Rows are read once per place and subject in a batch, and again only after this batch changed them.
    const key = `${obs.jurisdiction}|${obs.subject}`
    let rows = cache.get(key)
    if (!rows) cache.set(key, (rows = timeline.rows(obs.jurisdiction, obs.subject)))
    const planned = performance.now()
    const plan = planStatus(rows, obs, { trust: batch.trust, today, approved: batch.approval !== undefined })
    planMs += performance.now() - planned
    const sourceId = batch.approval
      ? `${batch.source_id} (review ${batch.approval.review_id} approved by ${batch.approval.by})`
      : batch.source_id
    const sources = sourcesOf(obs, batch.trust, sourceId)
    const sourceUrl = obs.source_url ?? sources[0]?.url ?? null
    const evidence = { ...obs.evidence, source_url: sourceUrl }
    // "Verified" is a fact about a source: a scraper that read it now, or the day a person reviewed a curated entry.
    const verified =
      batch.trust === 'curated' && obs.reviewed_on
        ? { at: obs.reviewed_on, by: 'review' }
        : { at: now, by: batch.source_id }

    switch (plan.kind) {
      case 'none':
        out.ignored++
        return
      case 'confirm': {
        const row = plan.row
        const mayDescribe = outranksOrEquals(batch.trust, row.trust)
        // A person's review date never hides a later scraper confirmation of the same row.
        const keepLater =
          verified.by === 'review' &&
          row.verified_by !== null &&
          row.verified_by !== 'review' &&
          row.verified_at > verified.at
        const update = {
          verified_at: keepLater ? row.verified_at : verified.at,
          verified_by: keepLater ? row.verified_by! : verified.by,
          sources: mayDescribe ? replaceSources(row.sources, sourceId, sources) : row.sources,
          citation: mayDescribe ? obs.citation : row.citation,
          summary: mayDescribe && obs.summary ? obs.summary : row.summary,
          confidence: mayDescribe ? obs.confidence : row.confidence,
          evidence: mayDescribe ? evidence : null,
        }
        const details = detailsDiff(row, update)
        const before = details.length ? recordView(row) : null
        // The usual re-run: only the verification changes, so it joins one bulk UPDATE at the end of the batch.
        const onlyVerified =
          !before &&
          sameJson(update.sources, row.sources) &&
          (update.evidence === null || sameJson(update.evidence, row.evidence))
        if (writes.pending(row)) {
          // Inserted at the batch's end with what it says then (set below).
        } else if (onlyVerified) {
          const group = `${update.verified_at}\n${update.verified_by}`
          const ids = verifications.get(group)
          if (ids) ids.push(row.id)
          else verifications.set(group, [row.id])
        } else timeline.confirm(row.id, update)
        // Keep the batch cache true (field by field: a spread into a fresh object per row cost more than the rest of a confirmation).
        row.verified_at = update.verified_at
        row.verified_by = update.verified_by
        row.sources = update.sources
        row.citation = update.citation
        row.summary = update.summary
        row.confidence = update.confidence
        if (update.evidence) row.evidence = update.evidence
        if (before) {
          // Not a change in law: the rule is described better. Recorded so history shows it; delivered only to subscribers who ask.
          writes.event({
            type: 'status.details_updated',
            jurisdiction: obs.jurisdiction,
            subject: obs.subject,
            measure_id: null,
            scraper_id: batch.source_id,
            changed_fields: details,
            before,
            after: recordView(row),
            effective_date: row.valid_from,
            detected_at: now,
            supersedes: null,
            run_id: batch.run_id,
            snapshot_id: batch.snapshot_id,
          })
        }
        out.confirmed++
        return
      }
      case 'review': {
        const queued = reviews.enqueue({
          dedupe_key: reviewKey(obs, batch.source_id), // the stated date only: "today" must not make a new key each day
          jurisdiction: obs.jurisdiction,
          subject: obs.subject,
          reason: plan.reason,
          source_id: batch.source_id,
          trust: batch.trust,
          observation: obs,
          current: plan.current ? recordView(plan.current) : null,
          created_at: now,
          run_id: batch.run_id,
          snapshot_id: batch.snapshot_id,
        })
        if (queued) out.held++
        else out.ignored++
        return
      }
      case 'insert':
      case 'correct': {
        const validFrom = plan.kind === 'insert' ? plan.validFrom : plan.row.valid_from
        const validTo = plan.kind === 'insert' ? plan.validTo : plan.row.valid_to
        const before = plan.kind === 'insert' ? plan.close : plan.row
        // The row as the batch cache keeps it; it gets its id (and its event's) when the batch's writes are flushed.
        const row: TimelineRow = {
          id: 0,
          jurisdiction: obs.jurisdiction,
          subject: obs.subject,
          status: obs.status,
          min_age: obs.min_age,
          conditions: obs.conditions,
          citation: obs.citation,
          summary: obs.summary,
          confidence: obs.confidence,
          preempts_local: obs.preempts_local,
          sources,
          valid_from: validFrom,
          valid_to: validTo,
          recorded_at: now,
          activated_at: plan.scheduled ? null : now,
          verified_at: verified.at,
          verified_by: verified.by,
          source_id: batch.source_id,
          trust: batch.trust,
          created_event_id: null,
          run_id: batch.run_id,
          snapshot_id: batch.snapshot_id,
          evidence,
        }
        const beforeView = before ? recordView(before) : null
        if (plan.kind === 'correct') {
          // The retraction and `supersedes` need the corrected row's ids: written first if it is new in this batch.
          if (writes.pending(plan.row)) writes.flush()
          timeline.retract(plan.row.id, now)
        } else if (plan.close && compareDates(plan.close.valid_to, validFrom) !== 0 && !writes.pending(plan.close))
          timeline.setValidTo(plan.close.id, validFrom)
        const type =
          plan.kind === 'correct' ? 'status.corrected' : plan.scheduled ? 'status.scheduled' : 'status.changed'
        writes.event(
          {
            type,
            jurisdiction: obs.jurisdiction,
            subject: obs.subject,
            measure_id: null,
            scraper_id: batch.source_id,
            changed_fields: plan.changed,
            before: beforeView,
            after: recordView(row),
            effective_date: validFrom,
            detected_at: now,
            supersedes: plan.kind === 'correct' ? plan.row.created_event_id : null,
            run_id: batch.run_id,
            snapshot_id: batch.snapshot_id,
          },
          row,
        )
        // Keep the batch cache true instead of reading the rows again (they may be thousands for a long history).
        if (plan.kind === 'correct') rows.splice(rows.indexOf(plan.row), 1)
        else if (plan.close) plan.close.valid_to = validFrom
        rows.splice(indexAfter(rows, validFrom), 0, row)
        return
      }
    }
  }

  function applyMeasure(
    batch: Batch,
    obs: MeasureObservation,
    now: string,
    out: ApplyResult,
    writes: BatchWrites,
  ): void {
    const { kind: _kind, source_url: _sourceUrl, evidence: _evidence, ...observed } = obs
    const existing = measures.get(observed.id)
    let measure: Measure = observed
    if (existing && existing.source_id !== batch.source_id) {
      const plan = planMeasureFromOtherSource(existing, observed, batch.trust)
      if (plan.kind === 'ignore') {
        out.ignored++
        return
      }
      measure = plan.measure
    }
    const changed = measureDiff(existing, measure)
    if (changed.length === 0) {
      out.confirmed++
      return
    }
    measures.upsert(measure, batch.source_id, now)
    writes.event({
      type: existing ? 'measure.updated' : 'measure.introduced',
      jurisdiction: measure.jurisdiction,
      subject: measure.proposed_effect?.subject ?? null,
      measure_id: measure.id,
      scraper_id: batch.source_id,
      changed_fields: changed,
      before: existing ? { ...existing } : null,
      after: { ...measure },
      effective_date: measure.effective_date,
      detected_at: now,
      supersedes: null,
      run_id: batch.run_id,
      snapshot_id: batch.snapshot_id,
    })
  }

  return {
    /** Applies one batch in one transaction; throws ObservationError (changing nothing) on bad references. */
    apply(batch: Batch): ApplyResult {
      const at = clock()
      const now = at.toISOString()
      const today = isoDay(at)
      const out: ApplyResult = { events: [], confirmed: 0, held: 0, ignored: 0 }
      const writes = batchWrites(stores, out)
      // Chronological order per place and subject, so events read as history (input may come in any order).
      // (The place|subject key is built once per observation, not once per comparison.)
      const ordered = batch.observations
        .map((obs, index) => ({ obs, index, key: obs.kind === 'status' ? `${obs.jurisdiction}|${obs.subject}` : null }))
        .sort((a, b) => {
          if (a.obs.kind !== 'status' || b.obs.kind !== 'status') return a.index - b.index
          if (a.key !== b.key) return a.index - b.index
          return compareDates(a.obs.effective_date, b.obs.effective_date) || a.index - b.index
        })
        .map((o) => o.obs)
      const known = new Set<string>()
      const cache = new Map<string, TimelineRow[]>()
      // Rows whose only change is the verification, by "verified_at\nverified_by": written together after the loop.
      const verifications = new Map<string, number[]>()
      const started = performance.now()
      const listenerMs = events.listenerMs()
      planMs = 0
      // Listeners (the webhook outbox) see the whole batch at its end, inside the same transaction.
      db.transaction(() =>
        timeline.sharingRows(cache, () =>
          events.deferListeners(() => {
            checkContradictions(batch)
            for (const obs of ordered) {
              checkReferences(obs, known)
              if (obs.kind === 'status') applyStatus(batch, obs, now, today, out, cache, verifications, writes)
              else applyMeasure(batch, obs, now, out, writes)
            }
            writes.flush()
            for (const [group, ids] of verifications) {
              const [at, by] = group.split('\n') as [string, string]
              timeline.verifyMany(ids, at, by)
            }
          }),
        ),
      ).immediate()
      const outboxMs = events.listenerMs() - listenerMs
      timings = { plan_ms: planMs, write_ms: performance.now() - started - planMs - outboxMs, outbox_ms: outboxMs }
      return out
    },

    /** Where the last `apply` spent its time (the bench prints it). */
    lastTimings(): ApplyTimings {
      return { ...timings }
    },

    /**
     * Announces scheduled changes whose date has come: each becomes current (it already is by date)
     * and fires `status.changed` once. The scheduler calls this daily, and start-up calls it.
     */
    activateDue(): ChangeEvent[] {
      const at = clock()
      const now = at.toISOString()
      const fired: ChangeEvent[] = []
      db.transaction(() => {
        for (const row of timeline.due(isoDay(at))) {
          const rows = timeline.rows(row.jurisdiction, row.subject)
          const before = rowAt(
            rows.filter((r) => r.id !== row.id),
            row.valid_from,
          )
          const event = events.append({
            type: 'status.changed',
            jurisdiction: row.jurisdiction,
            subject: row.subject,
            measure_id: null,
            scraper_id: row.source_id,
            changed_fields: materialDiff(before, row),
            before: before ? recordView(before) : null,
            after: recordView({ ...row, activated_at: now }),
            effective_date: row.valid_from,
            detected_at: now,
            supersedes: null,
            run_id: row.run_id,
            snapshot_id: row.snapshot_id,
          })
          timeline.markActivated(row.id, now)
          fired.push(event)
        }
      }).immediate()
      return fired
    },
  }
}
export type DiffEngine = ReturnType<typeof createDiffEngine>
