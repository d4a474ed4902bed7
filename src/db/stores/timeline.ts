import type { Confidence, SourceRef, Status, StatusFields, Trust } from '../../domain/index.js'
import { jsonValues, multiRow, type Db } from '../open.js'

/** One row of the bitemporal status timeline. */
export interface TimelineRow extends StatusFields {
  id: number
  jurisdiction: string
  subject: string
  sources: SourceRef[]
  valid_from: string | null
  valid_to: string | null
  recorded_at: string
  activated_at: string | null
  verified_at: string
  /** Who last confirmed the row against its source: a scraper id, or `review` (a person, curated dataset). Null on old rows. */
  verified_by: string | null
  source_id: string
  trust: Trust
  created_event_id: number | null
  run_id: number | null
  snapshot_id: number | null
  evidence: Record<string, unknown> | null
}

export type NewTimelineRow = Omit<TimelineRow, 'id'>

/** The columns every timeline query selects, in this order (`fromRaw` reads them by position). */
const COLUMNS = `id, jurisdiction, subject, status, min_age, conditions_json, citation, summary, sources_json, confidence,
  preempts_local, valid_from, valid_to, recorded_at, activated_at, verified_at, verified_by, source_id, trust, created_event_id, run_id, snapshot_id, evidence_json`

/**
 * One row as better-sqlite3 returns it in raw mode (an array in COLUMNS order). Raw rows and one
 * object literal cost about a quarter of keyed rows rebuilt with a rest spread: reading the 10,000
 * rows of the diff bench took ~250 ms that way and ~60 ms this way (2026-11, 2 cores).
 */
function fromRaw(r: unknown[]): TimelineRow {
  const conditions = r[5] as string
  const evidence = r[22] as string | null
  return {
    id: r[0] as number,
    jurisdiction: r[1] as string,
    subject: r[2] as string,
    status: r[3] as Status,
    min_age: r[4] as number | null,
    conditions: conditions === '[]' ? [] : (JSON.parse(conditions) as string[]),
    citation: r[6] as string,
    summary: r[7] as string,
    sources: JSON.parse(r[8] as string) as SourceRef[],
    confidence: r[9] as Confidence,
    preempts_local: r[10] === 1,
    valid_from: r[11] as string | null,
    valid_to: r[12] as string | null,
    recorded_at: r[13] as string,
    activated_at: r[14] as string | null,
    verified_at: r[15] as string,
    verified_by: r[16] as string | null,
    source_id: r[17] as string,
    trust: r[18] as Trust,
    created_event_id: r[19] as number | null,
    run_id: r[20] as number | null,
    snapshot_id: r[21] as number | null,
    evidence: evidence ? (JSON.parse(evidence) as Record<string, unknown>) : null,
  }
}

/** The columns an INSERT writes, in the order of `toValues`. */
const INSERT_COLUMNS = `jurisdiction, subject, status, min_age, conditions_json, citation, summary,
  sources_json, confidence, preempts_local, valid_from, valid_to, recorded_at, activated_at, verified_at, verified_by, source_id, trust,
  created_event_id, run_id, snapshot_id, evidence_json`

/** A row's values in the order of the INSERT's columns (positional: binding 22 named values cost more than the insert). */
function toValues(row: NewTimelineRow): unknown[] {
  return [
    row.jurisdiction,
    row.subject,
    row.status,
    row.min_age,
    row.conditions.length === 0 ? '[]' : JSON.stringify(row.conditions),
    row.citation,
    row.summary,
    JSON.stringify(row.sources),
    row.confidence,
    row.preempts_local ? 1 : 0,
    row.valid_from,
    row.valid_to,
    row.recorded_at,
    row.activated_at,
    row.verified_at,
    row.verified_by,
    row.source_id,
    row.trust,
    row.created_event_id,
    row.run_id,
    row.snapshot_id,
    row.evidence ? JSON.stringify(row.evidence) : null,
  ]
}

/** The status timeline: rows valid over `[valid_from, valid_to)`, never deleted; corrections retract. */
export function timelineStore(db: Db) {
  const rowsStmt = db
    .prepare(
      `SELECT ${COLUMNS} FROM status_records
    WHERE jurisdiction = ? AND subject = ? AND retracted_at IS NULL ORDER BY valid_from IS NOT NULL, valid_from, id`,
    )
    .raw()
  const atStmt = db
    .prepare(
      `SELECT ${COLUMNS} FROM status_records
    WHERE jurisdiction = @j AND retracted_at IS NULL AND (valid_from IS NULL OR valid_from <= @at) AND (valid_to IS NULL OR valid_to > @at)
    ORDER BY subject, valid_from IS NOT NULL, valid_from DESC, id DESC`,
    )
    .raw()
  const futureStmt = db
    .prepare(
      `SELECT ${COLUMNS} FROM status_records
    WHERE jurisdiction = ? AND retracted_at IS NULL AND valid_from > ? ORDER BY subject, valid_from`,
    )
    .raw()
  // Up to INSERT_CHUNK rows per statement (22 values each), one prepared statement per size.
  const INSERT_CHUNK = 500
  const insertManyOf = multiRow(
    db,
    (values) => `INSERT INTO status_records (${INSERT_COLUMNS}) VALUES ${values} RETURNING id`,
    22,
  )
  const insertStmt = insertManyOf(1)
  const setValidToStmt = db.prepare('UPDATE status_records SET valid_to = ? WHERE id = ?')
  const retractStmt = db.prepare('UPDATE status_records SET retracted_at = ? WHERE id = ?')
  const confirmStmt =
    db.prepare(`UPDATE status_records SET verified_at = @verified_at, verified_by = @verified_by, sources_json = @sources_json, citation = @citation,
    summary = @summary, confidence = @confidence, evidence_json = COALESCE(@evidence_json, evidence_json) WHERE id = @id`)
  const verifyManyStmt = db.prepare(
    `UPDATE status_records SET verified_at = ?, verified_by = ? WHERE id IN (${jsonValues(db, '?', 'integer')})`,
  )
  const dueStmt = db
    .prepare(
      `SELECT ${COLUMNS} FROM status_records
    WHERE activated_at IS NULL AND retracted_at IS NULL AND valid_from <= ? ORDER BY valid_from, id`,
    )
    .raw()
  const activateStmt = db.prepare('UPDATE status_records SET activated_at = ? WHERE id = ?')

  // Set by `sharingRows` for one diff batch: the engine's rows, which it keeps true as it writes.
  let shared: Map<string, TimelineRow[]> | null = null

  return {
    /** Every live row of one (jurisdiction, subject), oldest first (an undated row first). Treat the result as read-only. */
    rows: (jurisdiction: string, subject: string): TimelineRow[] =>
      shared?.get(`${jurisdiction}|${subject}`) ?? (rowsStmt.all(jurisdiction, subject) as unknown[][]).map(fromRaw),
    /**
     * Runs `fn` with `rows()` answered from `cache` (keyed `jurisdiction|subject`) where it holds the
     * pair, so listeners of a diff batch (the webhook outbox) do not read again what the engine read.
     * The caller keeps `cache` equal to the database while `fn` runs.
     */
    sharingRows<T>(cache: Map<string, TimelineRow[]>, fn: () => T): T {
      const outer = shared
      shared = cache
      try {
        return fn()
      } finally {
        shared = outer
      }
    },
    /** The rows in force on a date, one per subject at most. */
    inForce(jurisdiction: string, at: string): Map<string, TimelineRow> {
      const out = new Map<string, TimelineRow>()
      for (const raw of atStmt.all({ j: jurisdiction, at }) as unknown[][])
        if (!out.has(raw[2] as string)) out.set(raw[2] as string, fromRaw(raw))
      return out
    },
    /** Rows that take effect after a date (scheduled changes), by subject and date. */
    after: (jurisdiction: string, date: string): TimelineRow[] =>
      (futureStmt.all(jurisdiction, date) as unknown[][]).map(fromRaw),
    insert: (row: NewTimelineRow): number => insertStmt.get(toValues(row)) as number,
    /** Inserts many rows with a few multi-row INSERTs; returns their ids, in order. */
    insertMany(rows: readonly NewTimelineRow[]): number[] {
      const ids: number[] = []
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK)
        // Ids are given in VALUES order; RETURNING may list them in any order, so they are sorted.
        const flat: unknown[] = []
        for (const row of chunk) for (const x of toValues(row)) flat.push(x) // (flatMap cost ~5 µs a row here)
        const got = insertManyOf(chunk.length).all(flat) as number[]
        for (const id of got.sort((a, b) => a - b)) ids.push(id)
      }
      return ids
    },
    setValidTo: (id: number, validTo: string | null) => void setValidToStmt.run(validTo, id),
    retract: (id: number, at: string) => void retractStmt.run(at, id),
    /** A source confirmed the row: refresh verification time and descriptive fields. */
    confirm(
      id: number,
      update: {
        verified_at: string
        verified_by: string
        sources: SourceRef[]
        citation: string
        summary: string
        confidence: Confidence
        evidence: Record<string, unknown> | null
      },
    ) {
      confirmStmt.run({
        id,
        ...update,
        sources_json: JSON.stringify(update.sources),
        evidence_json: update.evidence ? JSON.stringify(update.evidence) : null,
      })
    },
    /** Many rows confirmed with nothing else to refresh: one statement for the lot. */
    verifyMany: (ids: readonly number[], verifiedAt: string, verifiedBy: string) =>
      void verifyManyStmt.run(verifiedAt, verifiedBy, JSON.stringify(ids)),
    /** Scheduled rows whose date has come and whose change has not been announced yet. */
    due: (today: string): TimelineRow[] => (dueStmt.all(today) as unknown[][]).map(fromRaw),
    markActivated: (id: number, at: string) => void activateStmt.run(at, id),
  }
}
export type TimelineStore = ReturnType<typeof timelineStore>
