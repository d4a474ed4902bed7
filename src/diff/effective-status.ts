import { SEVERITY, type Confidence, type Level, type Status } from '../domain/index.js'

/**
 * Effective status: a place's own status combined with every ancestor's (DESIGN.md § Domain). Pure.
 *
 * - The most severe known status wins (a city ban over a legal state is a ban).
 * - A level whose own rule is `unknown` makes the answer `unknown`, with `at_least` = the most
 *   severe known status, unless a known level already says `banned` (nothing is more severe).
 *   "We don't know" is never shown as "legal".
 * - A level with no entry at all has no rule of its own: it inherits, it is not unknown.
 * - A status that preempts local rules stops the places below it from changing the result.
 * - Minimum ages and conditions come only from the levels whose status is the answer (or, for an
 *   unknown, the `at_least` bound): a city ban drops the state's "possession not an offence".
 */

export interface ChainInput {
  code: string
  name: string
  level: Level
  record: {
    status: Status
    min_age: number | null
    conditions: string[]
    citation: string
    source_url: string | null
    confidence: Confidence
    preempts_local: boolean
    effective_date: string | null
    /** True when an official source (statute, gazette, agency) supports the row. */
    official: boolean
  } | null
}

export interface ChainLink {
  code: string
  name: string
  level: Level
  status: Status | null
  min_age: number | null
  citation: string | null
  source_url: string | null
  effective_date: string | null
  /** True when this level's rule is part of the answer (its status, age and conditions count). */
  applied: boolean
  note: string
}

type Known = Exclude<Status, 'unknown'>

export interface EffectiveStatus {
  status: Status
  /** For an `unknown` answer: the most severe status known to apply (null when nothing is known). */
  at_least: Known | null
  min_age: number | null
  conditions: string[]
  confidence: Confidence | null
  /** The place whose rule sets the status (the most specific one among equally severe rules). */
  decided_by: string | null
  /** For an `unknown` answer: the places whose own rule is unconfirmed. */
  unknown_at: string[]
  min_age_by: string | null
  /** True when the answer is unknown, low-confidence, or rests on no official source. */
  unconfirmed: boolean
  /** One sentence a person understands: why the answer is what it is. */
  explanation: string
  chain: ChainLink[]
}

const sev = (s: Known) => SEVERITY[s]

/** Resolves the effective status from a chain ordered from the top ancestor down to the place. */
export function resolveEffective(chain: ChainInput[]): EffectiveStatus {
  const links: ChainLink[] = []
  /** Levels whose rule counts (not preempted), with a known status. */
  const known: { place: ChainInput; status: Known; link: ChainLink }[] = []
  const unknownAt: { place: ChainInput; link: ChainLink }[] = []
  let preemptedBy: string | null = null

  for (const place of chain) {
    const r = place.record
    const link: ChainLink = {
      code: place.code,
      name: place.name,
      level: place.level,
      status: r?.status ?? null,
      min_age: r?.min_age ?? null,
      citation: r?.citation ?? null,
      source_url: r?.source_url ?? null,
      effective_date: r?.effective_date ?? null,
      applied: false,
      note: '',
    }
    links.push(link)
    if (!r) {
      link.note = 'no rule of its own here: inherits'
      continue
    }
    if (preemptedBy) {
      link.note = `not applied: ${preemptedBy} preempts local rules`
      continue
    }
    if (r.status === 'unknown') unknownAt.push({ place, link })
    else known.push({ place, status: r.status, link })
    if (r.preempts_local) preemptedBy = place.code
  }

  const worst = known.reduce<Known | null>(
    (acc, k) => (acc === null || sev(k.status) > sev(acc) ? k.status : acc),
    null,
  )
  const status: Status = worst === 'banned' || (unknownAt.length === 0 && worst !== null) ? worst! : 'unknown'
  const bound = status === 'unknown' ? worst : status
  // The levels that make the answer: those at the answer's (or the bound's) severity.
  const deciding = bound === null ? [] : known.filter((k) => k.status === bound)
  const decider = deciding.at(-1) ?? null

  let minAge: number | null = null
  let minAgeBy: string | null = null
  const conditions: string[] = []
  for (const k of deciding) {
    const r = k.place.record!
    k.link.applied = true
    if (r.min_age !== null && (minAge === null || r.min_age > minAge)) {
      minAge = r.min_age
      minAgeBy = k.place.code
    }
    for (const c of r.conditions) if (!conditions.includes(c)) conditions.push(c)
  }
  for (const k of known) {
    if (k.status === bound)
      k.link.note =
        k === decider
          ? deciding.length > 1
            ? 'sets the status (the most specific of equally severe rules)'
            : 'sets the status'
          : `as severe as ${decider!.place.code}: applies too`
    else
      k.link.note = `${k.status} here, but ${decider!.place.code} is stricter (${bound}): this level's age limits and conditions do not apply`
  }
  for (const u of unknownAt) {
    u.link.note =
      status === 'banned'
        ? `own rule unconfirmed, but ${decider!.place.code} already bans it`
        : `own rule unconfirmed: ${bound ? `at least ${bound}` : 'nothing known'}, possibly banned`
  }

  const explanation = explain(
    status,
    bound,
    decider?.place ?? null,
    unknownAt.map((u) => u.place),
    chain,
  )
  const confidence = status === 'unknown' ? null : (decider?.place.record?.confidence ?? null)
  return {
    status,
    at_least: status === 'unknown' ? bound : null,
    min_age: minAge,
    conditions,
    confidence,
    decided_by: status === 'unknown' ? null : (decider?.place.code ?? null),
    unknown_at: status === 'unknown' ? unknownAt.map((u) => u.place.code) : [],
    min_age_by: minAgeBy,
    unconfirmed: status === 'unknown' || confidence === 'low' || !deciding.some((k) => k.place.record!.official),
    explanation,
    chain: links,
  }
}

function explain(
  status: Status,
  bound: Known | null,
  decider: ChainInput | null,
  unknown: ChainInput[],
  chain: ChainInput[],
): string {
  if (status === 'unknown') {
    if (unknown.length === 0)
      return 'No rule is recorded for this place or any level above it: its status has not been researched.'
    const who = `${unknown.map((u) => `${u.name}'s`).join(' and ')} own ${unknown.length > 1 ? 'rules are' : 'rule is'} unconfirmed`
    return bound
      ? `${who}: at least ${bound}${decider ? ` (${decider.name})` : ''}, possibly banned.`
      : `${who}, and no level has a confirmed rule.`
  }
  const here = chain.at(-1)!
  if (decider === null) return `${status}.`
  return decider.code === here.code
    ? `${here.name}'s own rule: ${status}.`
    : `${status}, by the rule of ${decider.name}.`
}
