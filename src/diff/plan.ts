import { createHash } from 'node:crypto'
import {
  DETAIL_FIELDS,
  MATERIAL_FIELDS,
  type DetailField,
  type MaterialField,
  type SourceRef,
  type StatusObservation,
  type Trust,
} from '../domain/index.js'
import type { Measure } from '../domain/index.js'
import { MEASURE_TRACKED_FIELDS } from '../domain/index.js'
import type { TimelineRow } from '../db/stores/timeline.js'

/**
 * Pure rules of the diff engine: given the live timeline of one (jurisdiction, subject) and one
 * observation, decide what happens. No I/O here; `engine.ts` carries the plan out.
 */

export interface PlanContext {
  trust: Trust
  /** Today in UTC, `YYYY-MM-DD`: later dates are scheduled, not current. */
  today: string
  /** A maintainer approved this observation from the review queue: trust gates do not apply. */
  approved?: boolean
}

export type StatusPlan =
  /** The timeline already says this: refresh verification only. */
  | { kind: 'confirm'; row: TimelineRow }
  /** Nothing to do (a secondary source agreeing does not verify anything). */
  | { kind: 'none' }
  /** Hold for a maintainer instead of changing the timeline. */
  | { kind: 'review'; reason: 'secondary-source' | 'low-confidence'; current: TimelineRow | null; date: string | null }
  /** A new row from `validFrom`; `close` is the row in force at that date, which now ends there. */
  | {
      kind: 'insert'
      validFrom: string | null
      validTo: string | null
      close: TimelineRow | null
      scheduled: boolean
      changed: MaterialField[]
    }
  /** The same date says something else: retract the row and record a correction. */
  | { kind: 'correct'; row: TimelineRow; scheduled: boolean; changed: MaterialField[] }

const TRUST_RANK: Record<Trust, number> = { secondary: 0, primary: 1, curated: 1 }

/** True when `a` may overwrite what `b` recorded (a secondary source never overrides the others). */
export function outranksOrEquals(a: Trust, b: Trust): boolean {
  return TRUST_RANK[a] >= TRUST_RANK[b]
}

/** Compares two dates where null means "since before any record" (earliest of all). */
export function compareDates(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

/**
 * The index of the first row starting after a date, among rows sorted by valid_from (null first):
 * a binary search, so a place with a long history costs log(n) per observation, not n.
 */
export function indexAfter(rows: readonly Pick<TimelineRow, 'valid_from'>[], date: string | null): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (compareDates(rows[mid]!.valid_from, date) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The row in force on a date among rows sorted by valid_from (null date = the undated row). */
export function rowAt(rows: TimelineRow[], date: string | null): TimelineRow | null {
  return rows[indexAfter(rows, date) - 1] ?? null
}

type MaterialView = Pick<TimelineRow, MaterialField>

/** The material fields in which two statuses differ, in a fixed order. */
export function materialDiff(before: MaterialView | null, after: MaterialView): MaterialField[] {
  if (!before) return [...MATERIAL_FIELDS]
  return MATERIAL_FIELDS.filter((f) => {
    const a = normalise(f, before[f])
    const b = normalise(f, after[f])
    // Scalars compare as they are; only lists (conditions) need a structural comparison.
    return typeof a === 'object' && a !== null ? JSON.stringify(a) !== JSON.stringify(b) : a !== b
  })
}

function normalise(field: MaterialField, value: unknown): unknown {
  // Conditions are compared as a set of texts, ignoring case and spacing.
  if (field === 'conditions') return (value as string[]).map((c) => c.replace(/\s+/g, ' ').trim().toLowerCase()).sort()
  return value ?? null
}

/** The date an observation speaks for: its effective date, else today (curated undated rows stay undated). */
export function observationDate(obs: StatusObservation, ctx: PlanContext): string | null {
  return obs.effective_date ?? (ctx.trust === 'curated' ? null : ctx.today)
}

/** Decides what one status observation does to the timeline of its (jurisdiction, subject). */
export function planStatus(rows: TimelineRow[], obs: StatusObservation, ctx: PlanContext): StatusPlan {
  const date = observationDate(obs, ctx)
  const after = indexAfter(rows, date)
  const current = rows[after - 1] ?? null
  const changed = materialDiff(current, obs)
  if (changed.length === 0)
    return ctx.trust === 'secondary' && !ctx.approved ? { kind: 'none' } : { kind: 'confirm', row: current! }
  if (!ctx.approved) {
    if (ctx.trust === 'secondary') return { kind: 'review', reason: 'secondary-source', current, date }
    if (obs.confidence === 'low' && ctx.trust !== 'curated')
      return { kind: 'review', reason: 'low-confidence', current, date }
  }
  const scheduled = date !== null && date > ctx.today
  if (current && current.valid_from === date) return { kind: 'correct', row: current, scheduled, changed }
  const next = rows[after] ?? null
  return { kind: 'insert', validFrom: date, validTo: next?.valid_from ?? null, close: current, scheduled, changed }
}

/**
 * A row's sources after one source confirmed it: what that source (by `source_id`) says now
 * replaces what it said before, so a citation a dataset entry dropped (a shop replaced by the
 * statute) leaves the row; what other sources contributed stays.
 */
export function replaceSources(sources: SourceRef[], sourceId: string, now: SourceRef[]): SourceRef[] {
  const others = sources.filter((s) => s.source_id !== sourceId && !now.some((n) => n.url === s.url))
  return [...now, ...others]
}

/** The descriptive fields in which a confirmed row changed (`status.details_updated`); none = a plain confirmation. */
export function detailsDiff(
  before: Pick<TimelineRow, DetailField>,
  after: Pick<TimelineRow, DetailField>,
): DetailField[] {
  return DETAIL_FIELDS.filter((f) =>
    f === 'sources' ? !sameDescribedSources(before.sources, after.sources) : before[f] !== after[f],
  )
}

/** Two source lists describe the same sources (url, kind, title), in any order. */
function sameDescribedSources(a: SourceRef[], b: SourceRef[]): boolean {
  if (a.length !== b.length) return false
  // The usual confirmation lists them in the same order: compared in place, without building sort keys.
  if (a.every((s, i) => s.url === b[i]!.url && s.kind === b[i]!.kind && s.title === b[i]!.title)) return true
  const key = (sources: SourceRef[]) =>
    JSON.stringify(sources.map((s) => [s.url, s.kind ?? null, s.title ?? null]).sort())
  return key(a) === key(b)
}

function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * Whether two JSON values serialise to the same text (key order included), without serialising
 * them: the diff engine asks this for every confirmed row. Anything that is not a plain object,
 * array or primitive is compared by its JSON text, as before.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false
    return true
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return JSON.stringify(a) === JSON.stringify(b)
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}

/** The stable key that keeps one held change from being queued twice. */
export function reviewKey(obs: StatusObservation, sourceId: string): string {
  const material = Object.fromEntries(MATERIAL_FIELDS.map((f) => [f, normalise(f, obs[f])]))
  return createHash('sha256')
    .update(JSON.stringify([obs.jurisdiction, obs.subject, sourceId, obs.effective_date, material]))
    .digest('hex')
}

/** The tracked fields in which a measure changed; all of them for a new measure. */
export function measureDiff(before: Measure | undefined, after: Measure): string[] {
  if (!before) return [...MEASURE_TRACKED_FIELDS]
  return MEASURE_TRACKED_FIELDS.filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null))
}

/**
 * What an observation of a measure last written by ANOTHER source may change (us-legiscan and
 * us-openstates-bills report the same bills, each in its own words). A later last action is news and
 * applies in full. An older one changes nothing: it confirms when its stage agrees, and only fills
 * an effect or date the measure lacks. On the same last-action date, the same stage confirms (titles
 * and action wordings differ between sources; that is not a change), and a different stage applies
 * only from a primary source. Without this, two sources would rewrite a bill's title and last action
 * back and forth on every run.
 */
export function planMeasureFromOtherSource(
  existing: Measure,
  obs: Measure,
  trust: Trust,
): { kind: 'apply'; measure: Measure } | { kind: 'ignore' } {
  const later =
    obs.last_action_date !== null &&
    (existing.last_action_date === null || obs.last_action_date > existing.last_action_date)
  if (later) return { kind: 'apply', measure: obs }
  const sameDay = obs.last_action_date === existing.last_action_date
  if (obs.stage !== existing.stage)
    return sameDay && trust === 'primary' ? { kind: 'apply', measure: obs } : { kind: 'ignore' }
  const { id, jurisdiction, title, stage, url, last_action, last_action_date } = existing
  return {
    kind: 'apply',
    measure: {
      id,
      jurisdiction,
      title,
      stage,
      url,
      last_action,
      last_action_date,
      effective_date: existing.effective_date ?? obs.effective_date,
      proposed_effect: existing.proposed_effect ?? obs.proposed_effect,
    },
  }
}
