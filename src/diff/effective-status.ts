import { SEVERITY, type Confidence, type Level, type Status } from '../domain/index.js'

/**
 * Effective status: a place's own status combined with every ancestor's. Most severe wins, the
 * highest minimum age wins, `unknown` never overrides a known status, and a status that preempts
 * local rules stops the places below it from raising the result. Pure.
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
  applied: boolean
  note: string
}

export interface EffectiveStatus {
  status: Status
  min_age: number | null
  conditions: string[]
  confidence: Confidence | null
  /** The place whose rule sets the status (the most specific one among equally severe rules). */
  decided_by: string | null
  min_age_by: string | null
  chain: ChainLink[]
}

/** Resolves the effective status from a chain ordered from the top ancestor down to the place. */
export function resolveEffective(chain: ChainInput[]): EffectiveStatus {
  let status: Status = 'unknown'
  let decidedBy: ChainInput | null = null
  let minAge: number | null = null
  let minAgeBy: string | null = null
  const conditions: string[] = []
  let preemptedBy: string | null = null
  const links: ChainLink[] = []

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
      link.note = 'no rule recorded here'
      continue
    }
    if (preemptedBy) {
      link.note = `not applied: ${preemptedBy} preempts local rules`
      continue
    }
    if (r.status === 'unknown') {
      link.note = 'not applied: unknown never overrides a known status'
      continue
    }
    link.applied = true
    if (status === 'unknown' || SEVERITY[r.status] >= SEVERITY[status as Exclude<Status, 'unknown'>]) {
      const raises = status === 'unknown' || SEVERITY[r.status] > SEVERITY[status as Exclude<Status, 'unknown'>]
      link.note = raises ? (decidedBy ? `more severe than ${decidedBy.code}: sets the status` : 'sets the status') : `as severe as ${decidedBy!.code}: the more specific rule is shown`
      status = r.status
      decidedBy = place
    } else {
      link.note = `less severe than ${decidedBy!.code} (${status}): the stricter rule applies`
    }
    if (r.min_age !== null && (minAge === null || r.min_age > minAge)) {
      minAge = r.min_age
      minAgeBy = place.code
    }
    for (const c of r.conditions) if (!conditions.includes(c)) conditions.push(c)
    if (r.preempts_local) preemptedBy = place.code
  }

  return {
    status,
    min_age: minAge,
    conditions,
    confidence: decidedBy?.record?.confidence ?? null,
    decided_by: decidedBy?.code ?? null,
    min_age_by: minAgeBy,
    chain: links,
  }
}
