import { compareDates, materialDiff } from '../diff/plan.js'
import { builtinJurisdictions, US_STATE_CODES } from '../domain/index.js'
import type { Dataset, DatasetEntry } from './load.js'

/**
 * Integrity and coverage of the curated dataset, beyond what each entry's schema checks: codes
 * that exist, one row per (place, subject, date), a file for the place it holds, and no two rows
 * in a row saying the same thing. Pure: the dataset test and `npm run dataset:check` both call it.
 */

export interface DatasetProblem {
  file: string
  entry: string
  message: string
}

export interface Coverage {
  countries: number
  /** Countries whose latest kratom row is a known status (not `unknown`). */
  countries_known: { kratom: number; '7-oh': number }
  /** Countries with no row at all for a subject (neither a status nor a researched unknown). */
  countries_missing: { kratom: string[]; '7-oh': string[] }
  local_places_with_rule: number
  us_states_without_7oh_row: string[]
  by_kind: Record<string, number>
  by_confidence: Record<string, number>
}

/** The file a place's entries belong in: `countries/<cc>.json`, `us/us.json` or `us/us-<st>.json`. */
export function expectedFile(code: string): string {
  if (code === 'US') return 'us/us.json'
  if (code.startsWith('US-')) return `us/${code.split('-').slice(0, 2).join('-').toLowerCase()}.json`
  return `countries/${code.split('-')[0]!.toLowerCase()}.json`
}

/** Checks what the schema cannot see; returns every problem found (empty = fine). */
export function checkDataset(dataset: Dataset): DatasetProblem[] {
  const problems: DatasetProblem[] = []
  const known = new Set([...builtinJurisdictions().map((j) => j.code), ...dataset.jurisdictions.map((j) => j.code)])
  const seen = new Map<string, string>()
  for (const { file, entry } of dataset.located) {
    const label = `${entry.jurisdiction}/${entry.subject}@${entry.effective_date ?? 'start'}`
    if (!known.has(entry.jurisdiction)) {
      problems.push({
        file,
        entry: label,
        message: `unknown jurisdiction ${entry.jurisdiction}: declare it in the file's "jurisdictions" (counties, cities) or fix the code`,
      })
    }
    if (file !== expectedFile(entry.jurisdiction)) {
      problems.push({ file, entry: label, message: `belongs in ${expectedFile(entry.jurisdiction)}` })
    }
    const previous = seen.get(label)
    if (previous)
      problems.push({
        file,
        entry: label,
        message: `a second row for the same place, subject and date (first in ${previous}); merge them`,
      })
    seen.set(label, file)
  }
  problems.push(...repeatedRows(dataset))
  return problems
}

/**
 * Consecutive rows of one place and subject that say the same (status, age, conditions, preemption):
 * the diff engine keeps one period for both, each applying only updates its citation and summary, so
 * re-applying the dataset flips them back and forth. Either merge them, or name in `conditions` what
 * changed on the later date (a new legal basis with the same status changes what is allowed).
 */
function repeatedRows(dataset: Dataset): DatasetProblem[] {
  const pairs = new Map<string, { file: string; entry: DatasetEntry }[]>()
  for (const located of dataset.located) {
    const key = `${located.entry.jurisdiction}/${located.entry.subject}`
    const rows = pairs.get(key)
    if (rows) rows.push(located)
    else pairs.set(key, [located])
  }
  const material = (e: DatasetEntry) => ({ ...e, preempts_local: e.preempts_local ?? false })
  const problems: DatasetProblem[] = []
  for (const [key, rows] of pairs) {
    rows.sort((a, b) => compareDates(a.entry.effective_date, b.entry.effective_date))
    for (let i = 1; i < rows.length; i++) {
      const before = rows[i - 1]!.entry
      const { file, entry } = rows[i]!
      if (materialDiff(material(before), material(entry)).length === 0)
        problems.push({
          file,
          entry: `${key}@${entry.effective_date ?? 'start'}`,
          message:
            `says the same as the row from ${before.effective_date ?? 'the start'} (status, age, conditions): ` +
            'the timeline keeps one period for both; merge them, or name in "conditions" what changed on this date',
        })
    }
  }
  return problems
}

function latest(entries: DatasetEntry[]): DatasetEntry | undefined {
  return [...entries].sort((a, b) => (a.effective_date ?? '').localeCompare(b.effective_date ?? '')).at(-1)
}

/** What the dataset covers: the figures issue 12's targets are stated in. */
export function coverage(dataset: Dataset): Coverage {
  const countries = builtinJurisdictions().filter((j) => j.level === 'country' && j.code !== 'US')
  const rows = (code: string, subject: string) =>
    dataset.entries.filter((e) => e.jurisdiction === code && e.subject === subject)
  const known = (subject: 'kratom' | '7-oh') =>
    countries.filter((c) => {
      const l = latest(rows(c.code, subject))
      return l !== undefined && l.status !== 'unknown'
    }).length
  const missing = (subject: 'kratom' | '7-oh') =>
    countries.filter((c) => rows(c.code, subject).length === 0).map((c) => c.code)
  const locals = new Set(dataset.jurisdictions.map((j) => j.code))
  const localWithRule = new Set(
    dataset.entries.filter((e) => locals.has(e.jurisdiction) && e.status !== 'unknown').map((e) => e.jurisdiction),
  )
  const count = (values: string[]) =>
    values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {})
  return {
    countries: countries.length,
    countries_known: { kratom: known('kratom'), '7-oh': known('7-oh') },
    countries_missing: { kratom: missing('kratom'), '7-oh': missing('7-oh') },
    local_places_with_rule: localWithRule.size,
    us_states_without_7oh_row: US_STATE_CODES.map((s) => `US-${s}`).filter((code) => rows(code, '7-oh').length === 0),
    by_kind: count(dataset.entries.flatMap((e) => e.sources.map((s) => s.kind))),
    by_confidence: count(dataset.entries.map((e) => e.confidence)),
  }
}
