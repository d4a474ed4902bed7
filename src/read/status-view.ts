import type { Stores } from '../db/stores/index.js'
import type { JurisdictionRow } from '../db/stores/jurisdictions.js'
import type { TimelineRow } from '../db/stores/timeline.js'
import { resolveEffective, type ChainInput } from '../diff/effective-status.js'
import { recordView } from '../diff/views.js'
import { isoDay, type Level, type Status } from '../domain/index.js'

/**
 * Read models of the public API: what a place's status is on a date, with the chain that explains
 * it, its citations, scheduled changes, measures and timeline. Reads only; never writes.
 */
export function createStatusViews(stores: Stores, clock: () => Date = () => new Date()) {
  const subjectsStmt = stores.db.prepare('SELECT id, name, description FROM subjects ORDER BY rowid')
  const timelineStmt = stores.db.prepare(`SELECT subject, status, valid_from, valid_to, citation, confidence, recorded_at, activated_at
    FROM status_records WHERE jurisdiction = ? AND retracted_at IS NULL ORDER BY subject, valid_from IS NOT NULL, valid_from`)

  const subjects = () => subjectsStmt.all() as { id: string; name: string; description: string }[]

  function chainFor(places: JurisdictionRow[], subject: string, at: string, ownRows?: Map<string, TimelineRow>): ChainInput[] {
    return places.map((place, i) => {
      const row = i === places.length - 1 && ownRows ? ownRows.get(subject) : stores.timeline.inForce(place.code, at).get(subject)
      return {
        code: place.code,
        name: place.name,
        level: place.level,
        record: row
          ? {
              status: row.status,
              min_age: row.min_age,
              conditions: row.conditions,
              citation: row.citation,
              source_url: row.sources.at(-1)?.url ?? null,
              confidence: row.confidence,
              preempts_local: row.preempts_local,
              effective_date: row.valid_from,
            }
          : null,
      }
    })
  }

  return {
    subjects,

    /** The effective status of one subject at a place on a date (default today), or undefined for an unknown place. */
    effective(code: string, subject: string, at: string = isoDay(clock())) {
      const places = stores.jurisdictions.chain(code)
      return places ? resolveEffective(chainFor(places, subject, at)) : undefined
    },

    /** Everything about one place on a date: own and effective status per subject, upcoming changes, measures. */
    jurisdiction(code: string, at?: string) {
      const places = stores.jurisdictions.chain(code)
      if (!places) return undefined
      const place = places.at(-1)!
      const today = isoDay(clock())
      const asOf = at ?? today
      const own = stores.timeline.inForce(place.code, asOf)
      const upcoming = stores.timeline.after(place.code, asOf)
      const timeline = timelineStmt.all(place.code) as { subject: string; status: Status; valid_from: string | null; valid_to: string | null; citation: string; confidence: string; recorded_at: string; activated_at: string | null }[]
      const bySubject = Object.fromEntries(
        subjects().map((s) => {
          const row = own.get(s.id)
          return [
            s.id,
            {
              own: row ? recordView(row) : null,
              effective: resolveEffective(chainFor(places, s.id, asOf, own)),
              upcoming: upcoming.filter((r) => r.subject === s.id).map(recordView),
              timeline: timeline
                .filter((t) => t.subject === s.id)
                .map(({ subject: _s, activated_at, ...t }) => ({ ...t, scheduled: activated_at === null })),
            },
          ]
        }),
      )
      return {
        code: place.code,
        name: place.name,
        level: place.level,
        parent: place.parent,
        ocd_id: place.ocd_id,
        ancestors: places.slice(0, -1).map((p) => ({ code: p.code, name: p.name, level: p.level })),
        children: stores.jurisdictions.children(place.code),
        as_of: asOf,
        subjects: bySubject,
        measures: stores.measures.forJurisdiction(place.code),
        links: { self: `/jurisdictions/${place.code}`, history: `/jurisdictions/${place.code}/history` },
      }
    },

    /** A page of places, optionally with (and filtered by) the effective status of a subject today. */
    list(filter: { level?: Level; parent?: string; subject?: string; status?: Status; cursor?: string; limit: number }) {
      const today = isoDay(clock())
      const subject = filter.subject ?? (filter.status ? 'kratom' : undefined)
      const matches: Record<string, unknown>[] = []
      let after = filter.cursor
      // Keyset pages over codes; a status filter may skip places, so read on until limit + 1 match.
      while (matches.length <= filter.limit) {
        const chunk = stores.jurisdictions.list({ level: filter.level, parent: filter.parent, after, limit: 500 })
        for (const place of chunk) {
          const effective = subject ? resolveEffective(chainFor(stores.jurisdictions.chain(place.code)!, subject, today)) : undefined
          if (filter.status && effective?.status !== filter.status) continue
          matches.push({
            code: place.code,
            name: place.name,
            level: place.level,
            parent: place.parent,
            ...(effective ? { subject, status: effective.status, min_age: effective.min_age, decided_by: effective.decided_by } : {}),
          })
          if (matches.length > filter.limit) break
        }
        if (chunk.length < 500) break
        after = chunk.at(-1)!.code
      }
      const items = matches.slice(0, filter.limit)
      return { items, next_cursor: matches.length > filter.limit ? String(items.at(-1)!.code) : null }
    },
  }
}
export type StatusViews = ReturnType<typeof createStatusViews>
