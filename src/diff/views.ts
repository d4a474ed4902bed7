import type { TimelineRow } from '../db/stores/timeline.js'
import { KIND_OF_TRUST, STALE_AFTER_DAYS, type SourceKind, type SourceRef } from '../domain/index.js'
import type { ChainInput } from './effective-status.js'

/** A timeline row as the API and events show it: the status, its evidence and its time span. */
export function recordView(row: Omit<TimelineRow, 'id'>) {
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
    source_url: primarySource(row.sources)?.url ?? null,
    trust: row.trust,
    /** When a source last confirmed the row: a scraper that read it, or the day a person reviewed a curated entry. */
    verified_at: row.verified_at,
    /** Who confirmed it: a scraper id, or `review` (a person, curated dataset); null on rows recorded before this was kept. */
    verified_by: row.verified_by,
    recorded_at: row.recorded_at,
    scheduled: row.activated_at === null,
  }
}
export type RecordView = ReturnType<typeof recordView>

/** What a source is; rows recorded before sources were classified follow their scraper's trust tier. */
export function sourceKind(source: SourceRef): SourceKind | 'unclassified' {
  return source.kind ?? (source.trust === 'curated' ? 'unclassified' : KIND_OF_TRUST[source.trust])
}

/** The source to show first: an official one when there is one. */
export function primarySource(sources: SourceRef[]): SourceRef | undefined {
  return sources.find((s) => sourceKind(s) === 'official') ?? sources[0]
}

/** True when the row's last confirmation is older than its source's horizon (180 days for a review, 30 for a scraper). */
export function isStale(row: Pick<TimelineRow, 'verified_at' | 'verified_by' | 'trust'>, today: string): boolean {
  const horizon = STALE_AFTER_DAYS[row.verified_by === 'review' ? 'curated' : row.trust]
  return (
    Date.parse(`${today}T00:00:00Z`) -
      Date.parse(row.verified_at.length === 10 ? `${row.verified_at}T00:00:00Z` : row.verified_at) >
    horizon * 86_400_000
  )
}

/** A row as one link of an effective-status chain. */
export function chainRecord(row: TimelineRow): NonNullable<ChainInput['record']> {
  return {
    status: row.status,
    min_age: row.min_age,
    conditions: row.conditions,
    citation: row.citation,
    source_url: primarySource(row.sources)?.url ?? null,
    confidence: row.confidence,
    preempts_local: row.preempts_local,
    effective_date: row.valid_from,
    official: row.sources.some((s) => sourceKind(s) === 'official'),
  }
}
