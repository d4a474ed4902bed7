import type { TimelineRow } from '../db/stores/timeline.js'

/** A timeline row as the API and events show it: the status, its evidence and its time span. */
export function recordView(row: TimelineRow) {
  return {
    status: row.status,
    min_age: row.min_age,
    conditions: row.conditions,
    citation: row.citation,
    summary: row.summary,
    confidence: row.confidence,
    preempts_local: row.preempts_local,
    effective_date: row.valid_from,
    valid_to: row.valid_to,
    sources: row.sources,
    source_url: row.sources.at(-1)?.url ?? null,
    trust: row.trust,
    verified_at: row.verified_at,
    recorded_at: row.recorded_at,
    scheduled: row.activated_at === null,
  }
}
export type RecordView = ReturnType<typeof recordView>
