import type { FeedFilter } from '../db/stores/events.js'
import type { Stores } from '../db/stores/index.js'
import type { ChangeEvent, EventType, SourceRef, Status } from '../domain/index.js'
import { jsonField, jsonValues } from '../db/open.js'

/** Filters shared by the change pages and feeds (the same meaning as `GET /changes`). */
export interface EventFilter extends Pick<
  FeedFilter,
  'effective_from' | 'effective_to' | 'detected_from' | 'detected_to' | 'in_law' | 'notable'
> {
  jurisdictions?: string[]
  subject?: string
  types?: EventType[]
  /** Only events with an id greater than this. */
  since?: number
  /** Only events with an id smaller than this (newest-first paging). */
  before?: number
  limit: number
}

/** One upcoming effective date: a scheduled status change or a measure's effective date. */
export interface UpcomingItem {
  date: string
  kind: 'status' | 'measure'
  jurisdiction: string
  name: string
  subject: string | null
  status: Status | null
  citation: string | null
  summary: string
  url: string | null
  measure_id: string | null
  stage: string | null
  /** Stable identity across calendar refreshes. */
  uid: string
}

/**
 * Read queries the web pages, Atom feeds and calendar need beyond the API's read models: the
 * newest events first (feeds show the latest entries) and upcoming effective dates across places.
 */
export function createWebData(stores: Stores) {
  const { db } = stores
  const names = db.prepare(`SELECT code, name FROM jurisdictions WHERE code IN (${jsonValues(db, '?')})`)
  const scheduled =
    db.prepare(`SELECT r.id, r.jurisdiction, j.name, r.subject, r.status, r.citation, r.summary, r.sources_json, r.valid_from
    FROM status_records r JOIN jurisdictions j ON j.code = r.jurisdiction
    WHERE r.retracted_at IS NULL AND r.valid_from > @today
      AND (r.jurisdiction IN (${jsonValues(db, '@codes')}) OR @codes IS NULL) AND (r.subject = @subject OR @subject IS NULL)
    ORDER BY r.valid_from, r.jurisdiction, r.subject LIMIT @limit`)
  const measures =
    db.prepare(`SELECT m.id, m.jurisdiction, j.name, m.title, m.stage, m.url, m.effective_date, m.proposed_effect_json
    FROM measures m JOIN jurisdictions j ON j.code = m.jurisdiction
    WHERE m.effective_date > @today AND m.stage NOT IN ('vetoed', 'failed', 'withdrawn')
      AND (m.jurisdiction IN (${jsonValues(db, '@codes')}) OR @codes IS NULL)
      AND (m.proposed_effect_json IS NULL OR ${jsonField(db, 'm.proposed_effect_json', 'subject')} = @subject OR @subject IS NULL)
    ORDER BY m.effective_date, m.id LIMIT @limit`)

  return {
    /** Events matching the filter, newest first. */
    latestEvents(filter: EventFilter): ChangeEvent[] {
      return stores.events.query({ ...filter, order: 'desc' })
    },

    /** Changes in law, newest first by the date the law changed (not by when it was recorded). */
    changesInLaw(
      filter: Omit<EventFilter, 'in_law' | 'since' | 'before'> & { until?: string; offset?: number },
    ): ChangeEvent[] {
      const { until, ...rest } = filter
      const effective_to = [rest.effective_to, until].filter((d): d is string => d !== undefined).sort()[0]
      return stores.events.query({ ...rest, effective_to, in_law: true, order: 'effective_desc' })
    },

    /** Scheduled status changes and measures taking effect after `today`, soonest first. */
    upcoming(filter: { today: string; jurisdictions?: string[]; subject?: string; limit: number }): UpcomingItem[] {
      const params = {
        today: filter.today,
        codes: filter.jurisdictions ? JSON.stringify(filter.jurisdictions) : null,
        subject: filter.subject ?? null,
        limit: filter.limit,
      }
      const statusItems = (
        scheduled.all(params) as {
          id: number
          jurisdiction: string
          name: string
          subject: string
          status: Status
          citation: string
          summary: string
          sources_json: string
          valid_from: string
        }[]
      ).map((r): UpcomingItem => ({
        date: r.valid_from,
        kind: 'status',
        jurisdiction: r.jurisdiction,
        name: r.name,
        subject: r.subject,
        status: r.status,
        citation: r.citation,
        summary: r.summary,
        url: (JSON.parse(r.sources_json) as SourceRef[]).at(-1)?.url ?? null,
        measure_id: null,
        stage: null,
        uid: `status-record-${r.id}`,
      }))
      const measureItems = (
        measures.all(params) as {
          id: string
          jurisdiction: string
          name: string
          title: string
          stage: string
          url: string
          effective_date: string
          proposed_effect_json: string | null
        }[]
      )
        .map((m) => ({
          ...m,
          effect: m.proposed_effect_json
            ? (JSON.parse(m.proposed_effect_json) as { subject: string; status: Status })
            : null,
        }))
        .map((m): UpcomingItem => ({
          date: m.effective_date,
          kind: 'measure',
          jurisdiction: m.jurisdiction,
          name: m.name,
          subject: m.effect?.subject ?? null,
          status: m.effect?.status ?? null,
          citation: m.id,
          summary: m.title,
          url: m.url,
          measure_id: m.id,
          stage: m.stage,
          uid: `measure-${m.id}`,
        }))
      return [...statusItems, ...measureItems]
        .sort((a, b) => a.date.localeCompare(b.date) || a.jurisdiction.localeCompare(b.jurisdiction))
        .slice(0, filter.limit)
    },

    /** Display names of jurisdiction codes (unknown codes are left out). */
    names(codes: string[]): Map<string, string> {
      const rows = names.all(JSON.stringify([...new Set(codes)])) as { code: string; name: string }[]
      return new Map(rows.map((r) => [r.code, r.name]))
    },
  }
}
export type WebData = ReturnType<typeof createWebData>
