import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Db } from '../open.js'

export type RunOutcomeKind = 'running' | 'changed' | 'unchanged' | 'degraded' | 'failed'

export interface RunRow {
  id: number
  scraper_id: string
  trigger: string
  parser_version: string
  started_at: string
  finished_at: string | null
  outcome: RunOutcomeKind
  reason: string | null
  error: string | null
  counts: Record<string, number>
}

/** The process that owns the runs it starts: `host:pid` (see `sweepAbandonedRuns`). */
export const RUN_OWNER = `${hostname()}:${process.pid}`

/** Scrape runs and the snapshots (deduplicated, compressed documents) they fetched. */
export function runStore(db: Db) {
  const startStmt = db
    .prepare(
      'INSERT INTO scrape_runs (scraper_id, trigger, parser_version, started_at, owner) VALUES (?, ?, ?, ?, ?) RETURNING id',
    )
    .pluck()
  const finishStmt =
    db.prepare(`UPDATE scrape_runs SET finished_at = @finished_at, outcome = @outcome, reason = @reason, error = @error,
    counts_json = @counts_json WHERE id = @id`)
  const getRunStmt = db.prepare('SELECT * FROM scrape_runs WHERE id = ?')
  const snapshotByHashStmt = db.prepare('SELECT id FROM snapshots WHERE sha256 = ?')
  // Another process may store the same document between the lookup and the insert: no conflict, take its row.
  const insertSnapshotStmt = db
    .prepare(
      'INSERT INTO snapshots (sha256, content_type, size, body_gz, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING RETURNING id',
    )
    .pluck()
  const getSnapshotStmt = db.prepare(
    'SELECT id, sha256, content_type, size, body_gz, created_at FROM snapshots WHERE id = ?',
  )
  const attachStmt = db.prepare(
    `INSERT INTO run_documents (run_id, source_name, url, snapshot_id, fetched_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, source_name) DO UPDATE SET url = excluded.url, snapshot_id = excluded.snapshot_id, fetched_at = excluded.fetched_at`,
  )
  const documentsStmt = db.prepare(
    'SELECT source_name, url, snapshot_id, fetched_at FROM run_documents WHERE run_id = ? ORDER BY source_name',
  )

  return {
    /** Opens a `running` row owned by this process. */
    start: (scraperId: string, parserVersion: string, trigger: string, at: string, owner: string = RUN_OWNER): number =>
      Number(startStmt.get(scraperId, trigger, parserVersion, at, owner)),
    finish(
      id: number,
      r: {
        finished_at: string
        outcome: Exclude<RunOutcomeKind, 'running'>
        reason?: string | null
        error?: string | null
        counts?: Record<string, number>
      },
    ) {
      finishStmt.run({
        id,
        finished_at: r.finished_at,
        outcome: r.outcome,
        reason: r.reason ?? null,
        error: r.error ?? null,
        counts_json: JSON.stringify(r.counts ?? {}),
      })
    },
    get(id: number): RunRow | undefined {
      const raw = getRunStmt.get(id) as (Omit<RunRow, 'counts'> & { counts_json: string }) | undefined
      if (!raw) return undefined
      const { counts_json, ...rest } = raw
      return { ...rest, counts: JSON.parse(counts_json) }
    },
    /** Stores a document once per distinct content; returns its snapshot id and sha256. */
    putSnapshot(body: Buffer | string, contentType: string, at: string): { id: number; sha256: string } {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const existing = snapshotByHashStmt.get(sha256) as { id: number } | undefined
      if (existing) return { id: existing.id, sha256 }
      const inserted = insertSnapshotStmt.get(sha256, contentType, bytes.length, gzipSync(bytes), at) as
        number | undefined
      const id = inserted ?? (snapshotByHashStmt.get(sha256) as { id: number }).id
      return { id, sha256 }
    },
    getSnapshot(
      id: number,
    ):
      { id: number; sha256: string; content_type: string; size: number; body: Buffer; created_at: string } | undefined {
      const raw = getSnapshotStmt.get(id) as
        | { id: number; sha256: string; content_type: string; size: number; body_gz: Buffer; created_at: string }
        | undefined
      if (!raw) return undefined
      const { body_gz, ...rest } = raw
      return { ...rest, body: gunzipSync(body_gz) }
    },
    attachDocument: (runId: number, sourceName: string, url: string, snapshotId: number, at: string) =>
      void attachStmt.run(runId, sourceName, url, snapshotId, at),
    documents: (runId: number) =>
      documentsStmt.all(runId) as { source_name: string; url: string; snapshot_id: number; fetched_at: string }[],
  }
}
export type RunStore = ReturnType<typeof runStore>
