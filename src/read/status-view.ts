import type { Stores } from '../db/stores/index.js'
import type { JurisdictionRow } from '../db/stores/jurisdictions.js'
import type { TimelineRow } from '../db/stores/timeline.js'
import { resolveEffective, type ChainInput, type EffectiveStatus } from '../diff/effective-status.js'
import { chainRecord, isStale, recordView, sourceKind } from '../diff/views.js'
import { isoDay, type Level, type Status } from '../domain/index.js'

/**
 * Read models of the public API: what a place's status is on a date, with the chain that explains
 * it, its citations, scheduled changes, measures and timeline. Reads only; never writes.
 */
export function createStatusViews(stores: Stores, clock: () => Date = () => new Date()) {
  const subjects = () => stores.subjects.all()

  /**
   * Rows in force per place on one date, read once per place for the whole call: a chain shares its
   * ancestors with every sibling, and each place's row covers every subject.
   */
  function rowsInForce(at: string) {
    const memo = new Map<string, Map<string, TimelineRow>>()
    return (code: string) => {
      let rows = memo.get(code)
      if (!rows) memo.set(code, (rows = stores.timeline.inForce(code, at)))
      return rows
    }
  }

  function chainFor(
    places: JurisdictionRow[],
    subject: string,
    rowOf: (code: string, subject: string) => TimelineRow | undefined,
  ): ChainInput[] {
    return places.map((place) => {
      const row = rowOf(place.code, subject)
      return { code: place.code, name: place.name, level: place.level, record: row ? chainRecord(row) : null }
    })
  }
  const inForceOf = (rowsOf: (code: string) => Map<string, TimelineRow>) => (code: string, subject: string) =>
    rowsOf(code).get(subject)

  /**
   * The first day of the current unbroken run of a place's effective status: walks back over every
   * date on which a level of its chain changed, while the answer stays the same. Null = since before
   * any record.
   */
  function effectiveSince(
    places: JurisdictionRow[],
    subject: string,
    at: string,
    current: EffectiveStatus,
  ): string | null {
    const rows = new Map(places.map((p) => [p.code, stores.timeline.rows(p.code, subject)]))
    const rowOn = (date: string) => (code: string) =>
      rows
        .get(code)!
        .find((r) => (r.valid_from === null || r.valid_from <= date) && (r.valid_to === null || r.valid_to > date))
    const boundaries = [...new Set([...rows.values()].flat().flatMap((r) => [r.valid_from, r.valid_to]))]
      .filter((d): d is string => d !== null && d <= at)
      .sort()
      .reverse()
    const same = (e: EffectiveStatus) => e.status === current.status && e.at_least === current.at_least
    for (const date of boundaries) {
      const dayBefore = isoDay(new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000))
      if (!same(resolveEffective(chainFor(places, subject, rowOn(dayBefore))))) return date
    }
    return null
  }

  return {
    subjects,

    /** The effective status of one subject at a place on a date (default today), or undefined for an unknown place. */
    effective(code: string, subject: string, at: string = isoDay(clock())) {
      const places = stores.jurisdictions.chain(code)
      return places ? resolveEffective(chainFor(places, subject, inForceOf(rowsInForce(at)))) : undefined
    },

    /** `effective` with `since` (the first day of its current unbroken run), without the rest of a place's view. */
    effectiveSince(code: string, subject: string, at: string = isoDay(clock())) {
      const places = stores.jurisdictions.chain(code)
      if (!places) return undefined
      const effective = resolveEffective(chainFor(places, subject, inForceOf(rowsInForce(at))))
      return { ...effective, since: effectiveSince(places, subject, at, effective) }
    },

    /**
     * `effective` for many (place, subject, date) questions against an unchanging timeline, such as
     * the events of one diff batch: each place's timeline is read once, then every answer is found in
     * memory (a binary search by date), instead of one query per level per question.
     */
    effectiveResolver() {
      const timelines = new Map<string, TimelineRow[]>()
      const chains = new Map<string, JurisdictionRow[] | undefined>()
      const rowOn = (at: string) => (code: string, subject: string) => {
        const key = `${code}|${subject}`
        let rows = timelines.get(key)
        if (!rows) timelines.set(key, (rows = stores.timeline.rows(code, subject)))
        // rows are sorted by (valid_from, id) with the undated row first: find the last one starting on or before `at`.
        let lo = 0
        let hi = rows.length
        while (lo < hi) {
          const mid = (lo + hi) >> 1
          const from = rows[mid]!.valid_from
          if (from === null || from <= at) lo = mid + 1
          else hi = mid
        }
        for (let i = lo - 1; i >= 0; i--) {
          const r = rows[i]!
          if (r.valid_to === null || r.valid_to > at) return r
        }
        return undefined
      }
      return (code: string, subject: string, at: string) => {
        if (!chains.has(code)) chains.set(code, stores.jurisdictions.chain(code))
        const places = chains.get(code)
        return places ? resolveEffective(chainFor(places, subject, rowOn(at))) : undefined
      }
    },

    /** Everything about one place on a date: own and effective status per subject, upcoming changes, measures. */
    jurisdiction(code: string, at?: string) {
      const places = stores.jurisdictions.chain(code)
      if (!places) return undefined
      const place = places.at(-1)!
      const today = isoDay(clock())
      const asOf = at ?? today
      const rowsOf = rowsInForce(asOf)
      const own = rowsOf(place.code)
      const upcoming = stores.timeline.after(place.code, asOf)
      const bySubject = Object.fromEntries(
        subjects().map((s) => {
          const row = own.get(s.id)
          const effective = resolveEffective(chainFor(places, s.id, inForceOf(rowsOf)))
          return [
            s.id,
            {
              own: row ? ownView(row, today) : null,
              effective: { ...effective, since: effectiveSince(places, s.id, asOf, effective) },
              upcoming: upcoming.filter((r) => r.subject === s.id).map((r) => ownView(r, today)),
              timeline: stores.timeline.rows(place.code, s.id).map((t) => ({
                status: t.status,
                valid_from: t.valid_from,
                valid_to: t.valid_to,
                citation: t.citation,
                confidence: t.confidence,
                recorded_at: t.recorded_at,
                scheduled: t.activated_at === null,
              })),
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
    list(filter: {
      level?: Level
      parent?: string
      subject?: string
      status?: Status
      cursor?: string
      limit: number
    }) {
      const today = isoDay(clock())
      const subject = filter.subject ?? (filter.status ? 'kratom' : undefined)
      const rowsOf = rowsInForce(today)
      const matches: ListedPlace[] = []
      let after = filter.cursor
      // Keyset pages over codes; a status filter may skip places, so read on until limit + 1 match.
      while (matches.length <= filter.limit) {
        const chunk = stores.jurisdictions.list({ level: filter.level, parent: filter.parent, after, limit: 500 })
        for (const place of chunk) {
          const effective = subject
            ? resolveEffective(chainFor(stores.jurisdictions.chain(place.code)!, subject, inForceOf(rowsOf)))
            : undefined
          if (filter.status && effective?.status !== filter.status) continue
          matches.push({
            code: place.code,
            name: place.name,
            level: place.level,
            parent: place.parent,
            ...(effective
              ? {
                  subject,
                  status: effective.status,
                  at_least: effective.at_least,
                  min_age: effective.min_age,
                  decided_by: effective.decided_by,
                  unconfirmed: effective.unconfirmed,
                }
              : {}),
          })
          if (matches.length > filter.limit) break
        }
        if (chunk.length < 500) break
        after = chunk.at(-1)!.code
      }
      const items = matches.slice(0, filter.limit)
      return { items, next_cursor: matches.length > filter.limit ? items.at(-1)!.code : null }
    },

    /** The places directly within a place, with each one's effective status per subject on a date. */
    children(code: string, at: string) {
      const places = stores.jurisdictions.chain(code)
      if (!places) return []
      const rowsOf = rowsInForce(at)
      return stores.jurisdictions.list({ parent: places.at(-1)!.code, limit: 10_000 }).map((child) => ({
        code: child.code,
        name: child.name,
        status: Object.fromEntries(
          subjects().map((s) => [s.id, resolveEffective(chainFor([...places, child], s.id, inForceOf(rowsOf))).status]),
        ) as Record<string, Status>,
      }))
    },
  }
}

/** A row as the API shows it today: its record, who last checked it against its source, and whether that is stale. */
export function ownView(row: TimelineRow, today: string) {
  const view = recordView(row)
  return { ...view, sources: view.sources.map((s) => ({ ...s, kind: sourceKind(s) })), stale: isStale(row, today) }
}
export type OwnView = ReturnType<typeof ownView>

/** One place in a list, with the effective status of the asked subject when there is one. */
export interface ListedPlace {
  code: string
  name: string
  level: Level
  parent: string | null
  subject?: string
  status?: Status
  at_least?: Exclude<Status, 'unknown'> | null
  min_age?: number | null
  decided_by?: string | null
  unconfirmed?: boolean
}
export type StatusViews = ReturnType<typeof createStatusViews>
