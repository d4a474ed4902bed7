import {
  defineScraper,
  effectFromTitle,
  isoDate,
  LayoutChangedError,
  UnknownValueError,
  type ObservationInput,
} from '#sdk'

/** Legistar Web API (Granicus, webapi.legistar.com): council matters on kratom in the cities and counties that publish through Legistar. */

// Clients: the Legistar client name (the xxx of xxx.legistar.com) → the place it legislates for.
// 2026-11 (issue 11): one scraper serves every place that uses Legistar; add a place by adding a
// line here (its code must exist in the dataset) and one fixture file per case. castlerock-co is
// the client of the Castle Rock ordinance page (us-co-castle-rock-ordinance-9-24); the others are
// the public Legistar sites of these councils. Check a new client with `kratomwatch scrape --live --check`.
export const CLIENTS = {
  castleRock: { client: 'castlerock-co', jurisdiction: 'US-CO-CASTLE-ROCK' },
  denver: { client: 'denver', jurisdiction: 'US-CO-DENVER' },
  toledo: { client: 'toledo', jurisdiction: 'US-OH-TOLEDO' },
  fresnoCounty: { client: 'fresnocounty', jurisdiction: 'US-CA-FRESNO-COUNTY' },
} as const

// OData v3 as the Legistar Web API documents it (webapi.legistar.com/Help): substringof(term, field).
// "mitragynine" also matches 7-hydroxymitragynine. The matter text proper sits behind another
// endpoint (matters/{id}/versions/…/texts), so the search reads the title and the name.
const TERMS = ['kratom', 'Kratom', 'mitragynine', 'Mitragynine']
const FILTER = TERMS.flatMap((t) => [`substringof('${t}',MatterTitle)`, `substringof('${t}',MatterName)`]).join(' or ')
const mattersUrl = (client: string) =>
  `https://webapi.legistar.com/v1/${client}/matters?$filter=${encodeURIComponent(FILTER)}&$orderby=MatterLastModifiedUtc%20desc&$top=1000`

/** One Legistar Matter, as far as parse relies on it (real shape: shared/real-sources/legistar/webapi-metro-matters-filtered.json). */
export interface Matter {
  MatterId: number
  MatterGuid: string
  MatterFile: string | null
  MatterName: string | null
  MatterTitle: string | null
  MatterTypeName: string | null
  MatterStatusName: string | null
  MatterBodyName: string | null
  MatterIntroDate: string | null
  MatterAgendaDate: string | null
  MatterPassedDate: string | null
  MatterEnactmentDate: string | null
  MatterEnactmentNumber: string | null
}

const STRINGS = [
  'MatterFile',
  'MatterName',
  'MatterTitle',
  'MatterTypeName',
  'MatterStatusName',
  'MatterBodyName',
  'MatterEnactmentNumber',
] as const
const DATES = ['MatterIntroDate', 'MatterAgendaDate', 'MatterPassedDate', 'MatterEnactmentDate'] as const

/** Reads a /matters answer (a JSON array of Matter objects); an error body ({Message}) or another shape is a layout change. */
export function readMatters(json: unknown, name: string): Matter[] {
  if (!Array.isArray(json)) {
    const message =
      json && typeof json === 'object' && 'Message' in json
        ? ` (Message: ${JSON.stringify((json as { Message: unknown }).Message)})`
        : ''
    throw new LayoutChangedError(
      `Legistar ${name}: expected a JSON array of matters${message}; check the client name and the API's answer.`,
    )
  }
  return json.map((m: Record<string, unknown>, i) => {
    if (!Number.isInteger(m?.MatterId) || typeof m.MatterGuid !== 'string')
      throw new LayoutChangedError(
        `Legistar ${name} item ${i}: no MatterId / MatterGuid; this is not a Matter (the API answered another resource or changed).`,
      )
    for (const f of [...STRINGS, ...DATES]) {
      if (!(f in m))
        throw new LayoutChangedError(
          `Legistar ${name} matter ${String(m.MatterId)}: field ${f} is missing; the response format changed.`,
        )
      if (m[f] !== null && typeof m[f] !== 'string')
        throw new LayoutChangedError(
          `Legistar ${name} matter ${String(m.MatterId)}: ${f} is ${JSON.stringify(m[f])}; the response format changed.`,
        )
    }
    for (const f of DATES)
      if (m[f] !== null && !/^\d{4}-\d{2}-\d{2}T/.test(m[f] as string))
        throw new LayoutChangedError(
          `Legistar ${name} matter ${String(m.MatterId)}: ${f} "${String(m[f])}" is not a date.`,
        )
    return m as unknown as Matter
  })
}

const day = (d: string | null) => (d ? isoDate(d.slice(0, 10)) : null)
// Status names are each client's own vocabulary (seen 2026-11 across Legistar sites); these say a
// matter is still moving. Others without a passed or enactment date throw, so a person maps them.
const OPEN =
  /introduc|agenda|committee|referred|pending|draft|filed|reading|hearing|continued|held|received|scheduled|public comment/i

/**
 * The measure stage of a matter: withdrawn / failed / vetoed from its status name; enacted when an
 * enactment date or number is recorded; passed (passed_legislature: the council, the only chamber,
 * passed it) on a passed date or a passed / adopted / approved status; introduced while the status
 * says it is still moving. An unseen status with no dates throws.
 */
export function stageOf(
  m: Matter,
): 'introduced' | 'passed_legislature' | 'enacted' | 'vetoed' | 'failed' | 'withdrawn' {
  const status = m.MatterStatusName ?? ''
  if (/withdraw/i.test(status)) return 'withdrawn'
  if (/fail|defeat|denied|died|killed|rejected/i.test(status)) return 'failed'
  if (/veto/i.test(status)) return 'vetoed'
  if (m.MatterEnactmentDate || m.MatterEnactmentNumber) return 'enacted'
  if (m.MatterPassedDate || /^(passed|adopted|approved|enacted)/i.test(status)) return 'passed_legislature'
  if (OPEN.test(status) || (!status && m.MatterIntroDate)) return 'introduced'
  throw new UnknownValueError(
    `Legistar matter ${m.MatterId} (${m.MatterFile ?? '?'}) has status "${status}" and no passed or enactment date; add the wording to stageOf in scrapers/us/us-legistar-matters.ts after reading the matter.`,
  )
}

/**
 * The proposed effect of a matter from its title. Local kratom ordinances mostly set an age limit
 * ("Sale of Kratom to Minors Prohibited", Castle Rock 2019): "prohibited" next to minors or an age
 * is a regulation, not a ban; otherwise the SDK's title rules.
 */
export function effectOf(title: string): { subject: 'kratom' | '7-oh'; status: 'banned' | 'regulated' } | null {
  const effect = effectFromTitle(title)
  if (effect && /\bminors?\b|under the age|years of age|younger than|\bage\b/i.test(title))
    return { subject: effect.subject, status: 'regulated' }
  return effect
}

/** One matter as a local measure, `<place>/legistar/<MatterId>`. */
export function measureOf(m: Matter, place: { client: string; jurisdiction: string }): ObservationInput {
  const title = (m.MatterTitle ?? m.MatterName ?? '').trim()
  // The $filter asked for kratom terms: a matter without one means the filter was not applied, and the
  // whole answer is something else (e.g. every matter of the client).
  if (!/kratom|mitragyn/i.test(`${m.MatterTitle ?? ''} ${m.MatterName ?? ''}`)) {
    throw new LayoutChangedError(
      `Legistar ${place.client}: matter ${m.MatterId} ("${title.slice(0, 80)}") names no kratom term, so the $filter was not honoured; check the OData query in scrapers/us/us-legistar-matters.ts.`,
    )
  }
  const url = `https://${place.client}.legistar.com/LegislationDetail.aspx?ID=${m.MatterId}&GUID=${m.MatterGuid}`
  const dates = [m.MatterEnactmentDate, m.MatterPassedDate, m.MatterAgendaDate, m.MatterIntroDate]
    .map(day)
    .filter((d): d is string => d !== null)
  const latest = dates.sort().at(-1) ?? null
  const kind = [m.MatterTypeName, m.MatterFile ? `File #${m.MatterFile}` : null].filter(Boolean).join(' ')
  return {
    kind: 'measure',
    id: `${place.jurisdiction}/legistar/${m.MatterId}`,
    jurisdiction: place.jurisdiction,
    title: kind ? `${title} (${kind})` : title,
    stage: stageOf(m),
    url,
    last_action: [m.MatterStatusName, m.MatterBodyName].filter(Boolean).join(', ') || null,
    last_action_date: latest,
    effective_date: null,
    proposed_effect: effectOf(title),
    source_url: url,
    evidence: { text: title.slice(0, 4000) },
  }
}

type Sources = { [K in keyof typeof CLIENTS]: { kind: 'json'; url: string } }
const sources = Object.fromEntries(
  Object.entries(CLIENTS).map(([name, c]) => [name, { kind: 'json', url: mattersUrl(c.client) }]),
) as Sources

export default defineScraper({
  id: 'us-legistar-matters',
  title: 'Legistar Web API (webapi.legistar.com): kratom / mitragynine matters of city and county councils',
  jurisdictions: Object.values(CLIENTS).map((c) => c.jurisdiction),
  trust: 'primary',
  // 07:15 UTC daily: councils post agendas during the US day; one request per client, far inside
  // the Web API's public rate limits. Chosen 2026-11.
  schedule: '15 7 * * *',
  parserVersion: '1',
  // Most councils never take up kratom; an empty list is the usual answer.
  emptyPossible: true,
  sources,
  parse(documents) {
    const out: ObservationInput[] = []
    for (const [name, place] of Object.entries(CLIENTS) as [
      keyof typeof CLIENTS,
      (typeof CLIENTS)[keyof typeof CLIENTS],
    ][]) {
      for (const m of readMatters(documents[name].json, name)) out.push(measureOf(m, place))
    }
    return out
  },
})
