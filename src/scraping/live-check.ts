import type { Stores } from '../db/stores/index.js'
import { materialDiff, measureDiff, planMeasureFromOtherSource, planStatus } from '../diff/plan.js'
import type { Measure, Observation, StatusObservation, Trust } from '../domain/index.js'
import type { RunResult } from './run.js'

/** One change a scraper's live answer would make, as a line a person reads. */
export interface WouldChange {
  /** `US-TX kratom` for a status, `measure US-LA/2025/SB154` for a measure. */
  what: string
  before: string
  after: string
  /** The fields that differ. */
  fields: string[]
  /** True when the change would wait in the review queue instead of reaching the timeline. */
  held: boolean
}

/** The verdict of the live conformance check for one scraper. */
export interface CheckLine {
  scraper_id: string
  outcome: 'ok' | 'would-change' | 'degraded' | 'failed' | 'disabled'
  reason: string | null
  error: string | null
  observations: number
  changes: WouldChange[]
}

const statusText = (s: { status: string; min_age: number | null; conditions: readonly string[] } | null) =>
  s
    ? `${s.status}${s.min_age ? ` ${s.min_age}+` : ''}${s.conditions.length ? ` [${[...s.conditions].join('; ')}]` : ''}`
    : '(nothing recorded)'
const measureText = (m: Pick<Measure, 'stage' | 'last_action_date' | 'proposed_effect'> | undefined) =>
  m
    ? `${m.stage}${m.last_action_date ? ` (${m.last_action_date})` : ''}${m.proposed_effect ? `, ${m.proposed_effect.subject} ${m.proposed_effect.status}` : ''}`
    : '(not recorded)'

/**
 * What the observations of one dry run would change in the stored timeline and measures, by the diff
 * engine's own pure rules (`planStatus`, `measureDiff`); reads the database, writes nothing.
 */
export function wouldChange(
  stores: Stores,
  observations: readonly Observation[],
  source: { id: string; trust: Trust },
  today: string,
): WouldChange[] {
  const out: WouldChange[] = []
  for (const obs of observations) {
    if (obs.kind === 'status') {
      const plan = planStatus(stores.timeline.rows(obs.jurisdiction, obs.subject), obs as StatusObservation, {
        trust: source.trust,
        today,
      })
      if (plan.kind === 'confirm' || plan.kind === 'none') continue
      const before = plan.kind === 'review' ? plan.current : plan.kind === 'insert' ? plan.close : plan.row
      const fields = plan.kind === 'review' ? materialDiff(plan.current, obs as StatusObservation) : plan.changed
      out.push({
        what: `${obs.jurisdiction} ${obs.subject}${obs.effective_date ? ` from ${obs.effective_date}` : ''}`,
        before: statusText(before),
        after: statusText(obs),
        fields,
        held: plan.kind === 'review',
      })
      continue
    }
    const { kind: _kind, source_url: _url, evidence: _evidence, ...observed } = obs
    const existing = stores.measures.get(observed.id)
    let measure: Measure = observed
    if (existing && existing.source_id !== source.id) {
      const plan = planMeasureFromOtherSource(existing, observed, source.trust)
      if (plan.kind === 'ignore') continue
      measure = plan.measure
    }
    const fields = measureDiff(existing, measure)
    if (fields.length)
      out.push({
        what: `measure ${observed.id}`,
        before: measureText(existing),
        after: measureText(measure),
        fields,
        held: false,
      })
  }
  return out
}

/** The check line of one dry run (or of a disabled scraper, `result` null). */
export function checkLine(
  stores: Stores,
  def: { id: string; trust: Trust },
  result: RunResult | null,
  disabled: string | null,
  today: string,
): CheckLine {
  if (!result)
    return { scraper_id: def.id, outcome: 'disabled', reason: disabled, error: null, observations: 0, changes: [] }
  if (result.outcome === 'degraded' || result.outcome === 'failed') {
    return {
      scraper_id: def.id,
      outcome: result.outcome,
      reason: result.reason,
      error: result.error,
      observations: 0,
      changes: [],
    }
  }
  const changes = wouldChange(stores, result.observations, def, today)
  return {
    scraper_id: def.id,
    outcome: changes.length ? 'would-change' : 'ok',
    reason: null,
    error: null,
    observations: result.observations.length,
    changes,
  }
}

/** The report as printed: one line per scraper, then one indented line per change. */
export function formatCheck(lines: readonly CheckLine[]): string[] {
  const out: string[] = []
  for (const l of lines) {
    if (l.outcome === 'ok')
      out.push(`ok            ${l.scraper_id}: ${l.observations} observations, nothing would change`)
    else if (l.outcome === 'would-change') {
      out.push(`would change  ${l.scraper_id}: ${l.changes.length} change${l.changes.length === 1 ? '' : 's'}`)
      for (const c of l.changes)
        out.push(`    ${c.what}: ${c.before} → ${c.after} (${c.fields.join(', ')}${c.held ? '; held for review' : ''})`)
    } else if (l.outcome === 'disabled') out.push(`disabled      ${l.scraper_id}: ${l.reason ?? ''}`)
    else out.push(`${l.outcome.padEnd(14)}${l.scraper_id}: ${l.reason ?? 'error'}: ${l.error ?? ''}`)
  }
  const count = (o: CheckLine['outcome']) => lines.filter((l) => l.outcome === o).length
  out.push(
    '',
    `${lines.length} scrapers: ${count('ok')} ok, ${count('would-change')} would change, ${count('degraded') + count('failed')} degraded or failed, ${count('disabled')} disabled. Nothing was written.`,
  )
  return out
}
