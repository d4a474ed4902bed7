import type { Db } from '../open.js'

export type ReviewState = 'pending' | 'approved' | 'rejected'

export interface Review {
  id: number
  dedupe_key: string
  jurisdiction: string
  subject: string
  reason: string
  source_id: string
  trust: string
  observation: Record<string, unknown>
  current: Record<string, unknown> | null
  state: ReviewState
  created_at: string
  decided_at: string | null
  decided_by: string | null
  note: string | null
  run_id: number | null
  snapshot_id: number | null
}

interface RawReview extends Omit<Review, 'observation' | 'current'> {
  observation_json: string
  current_json: string | null
}

function fromRaw({ observation_json, current_json, ...rest }: RawReview): Review {
  return { ...rest, observation: JSON.parse(observation_json), current: current_json ? JSON.parse(current_json) : null }
}

export type NewReview = Pick<
  Review,
  | 'dedupe_key'
  | 'jurisdiction'
  | 'subject'
  | 'reason'
  | 'source_id'
  | 'trust'
  | 'observation'
  | 'current'
  | 'created_at'
  | 'run_id'
  | 'snapshot_id'
>

/** The review queue: changes held for a maintainer instead of entering the timeline. */
export function reviewStore(db: Db) {
  const insertStmt =
    db.prepare(`INSERT INTO reviews (dedupe_key, jurisdiction, subject, reason, source_id, trust, observation_json, current_json, created_at, run_id, snapshot_id)
    VALUES (@dedupe_key, @jurisdiction, @subject, @reason, @source_id, @trust, @observation_json, @current_json, @created_at, @run_id, @snapshot_id)
    ON CONFLICT (dedupe_key) DO NOTHING`)
  const getStmt = db.prepare('SELECT * FROM reviews WHERE id = ?')
  const listStmt = db.prepare(
    'SELECT * FROM reviews WHERE (state = @state OR @state IS NULL) AND (id > @after OR @after IS NULL) ORDER BY id LIMIT @limit',
  )
  const decideStmt = db.prepare(
    `UPDATE reviews SET state = @state, decided_at = @at, decided_by = @by, note = @note WHERE id = @id AND state = 'pending'`,
  )

  return {
    /** Queues a held change; returns false when the same change was already queued (or rejected). */
    enqueue(review: NewReview): boolean {
      const { observation, current, ...rest } = review
      return (
        insertStmt.run({
          ...rest,
          observation_json: JSON.stringify(observation),
          current_json: current ? JSON.stringify(current) : null,
        }).changes === 1
      )
    },
    get: (id: number): Review | undefined => {
      const raw = getStmt.get(id) as RawReview | undefined
      return raw ? fromRaw(raw) : undefined
    },
    list: (f: { state?: ReviewState; after?: number; limit: number }): Review[] =>
      (listStmt.all({ state: f.state ?? null, after: f.after ?? null, limit: f.limit }) as RawReview[]).map(fromRaw),
    /** Marks a pending review decided; returns false if it was not pending. */
    decide: (id: number, d: { state: 'approved' | 'rejected'; at: string; by: string; note: string | null }): boolean =>
      decideStmt.run({ id, ...d }).changes === 1,
  }
}
export type ReviewStore = ReturnType<typeof reviewStore>
