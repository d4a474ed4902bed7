import { defineScraper, isoDate, LayoutChangedError, UnknownValueError, type ObservationInput } from '#sdk'

/** LegiScan API (legiscan.com, CC BY 4.0): state bills on kratom, mitragynine and 7-OH in all states. */

// 2026-11, query budget: the free Public API allows 30,000 queries a month (legiscan.com/legiscan).
// This scraper spends ONE query per run (getSearch, page 1, 50 bills), every 6 hours = ~120 a month.
// Why getSearch and not getSearchRaw + getBill: the framework (issue 3) fetches a fixed set of
// source URLs per run and keeps no per-scraper state, so it can neither request getBill for the
// bill ids a search returns nor remember last-seen change_hash values. getSearch carries, per bill,
// what a measure needs (state, number, title, last action and date, url, change_hash). When the
// framework gains follow-up requests and state, `measureFromBill` below reads getBill payloads.
const SEARCH_URL = 'https://api.legiscan.com/?key={LEGISCAN_API_KEY}&op=getSearch&state=ALL&year=2&query=kratom+OR+mitragynine+OR+hydroxymitragynine'

/** One row of a getSearch result. */
export interface SearchRow {
  state: string
  bill_number: string
  bill_id: number
  change_hash: string
  url: string
  last_action_date: string
  last_action: string
  title: string
}

/** Reads a getSearch answer: {status:"OK", searchresult:{summary, "0":{…}, "1":{…}}}. */
export function readSearch(json: unknown): SearchRow[] {
  const root = json as { status?: string; searchresult?: Record<string, unknown>; alert?: { message?: string } } | null
  if (!root || root.status !== 'OK' || !root.searchresult || typeof root.searchresult !== 'object') {
    throw new LayoutChangedError(`LegiScan getSearch: expected {status:"OK", searchresult}, got status ${JSON.stringify(root?.status)}${root?.alert?.message ? ` (${root.alert.message})` : ''}; check the API key and the API's answer.`)
  }
  const { summary, ...rows } = root.searchresult as { summary?: { count?: number } } & Record<string, Record<string, unknown>>
  if (!summary || typeof summary.count !== 'number') throw new LayoutChangedError('LegiScan getSearch: searchresult.summary.count missing; the response format changed.')
  return Object.keys(rows)
    .filter((k) => /^\d+$/.test(k))
    .map((k) => {
      const r = rows[k]!
      for (const f of ['state', 'bill_number', 'url', 'last_action_date', 'last_action', 'title']) {
        if (typeof r[f] !== 'string' || !(r[f] as string).trim()) throw new LayoutChangedError(`LegiScan getSearch row ${k}: field "${f}" is ${JSON.stringify(r[f])}; the response format changed.`)
      }
      return r as unknown as SearchRow
    })
}

// Ordered: the first match wins, so "Vetoed" and "Sent to the Governor" win over "Passed".
// Wordings seen on LegiScan bill histories (2025-2026); an unseen one degrades the run.
const STAGES: [RegExp, 'enacted' | 'vetoed' | 'withdrawn' | 'failed' | 'passed_legislature' | 'passed_chamber' | 'introduced'][] = [
  [/\bvetoed\b/i, 'vetoed'],
  [/signed by (the )?governor|becomes act|became law|\bact no\.|chaptered|approved by (the )?governor|public act|without (the )?governor'?s signature/i, 'enacted'],
  [/\bwithdrawn\b/i, 'withdrawn'],
  [/\bdied\b|\bfailed\b|indefinitely postponed|sine die|\bdead\b/i, 'failed'],
  [/(sent|presented|delivered|transmitted) to (the )?governor|\benrolled\b/i, 'passed_legislature'],
  [/\bpassed\b|third reading|engrossed|received from the (house|senate)/i, 'passed_chamber'],
  [/introduced|referred|first reading|read first time|pre-?filed|\bfiled\b|committee|hearing|reported|second reading|placed on|amendment/i, 'introduced'],
]

/** The measure stage implied by a bill's last action; throws on an unseen wording. */
export function stageOf(lastAction: string): (typeof STAGES)[number][1] {
  const hit = STAGES.find(([re]) => re.test(lastAction))
  if (!hit) throw new UnknownValueError(`LegiScan: unknown last-action wording "${lastAction}"; add it to STAGES in scrapers/us/us-legiscan.ts after reading the bill history.`)
  return hit[1]
}

/** The proposed effect where the title says it plainly (a ban, a schedule I listing, a consumer-protection act); else null. */
export function effectOf(title: string): { subject: 'kratom' | '7-oh'; status: 'banned' | 'regulated' } | null {
  const leaf = /\bkratom\b|mitragyna speciosa|\bmitragynine\b/i.test(title)
  const alkaloid = /7-hydroxymitragynine|\b7-OH\b/i.test(title)
  if (!leaf && !alkaloid) return null
  const subject = leaf ? 'kratom' : '7-oh'
  if (/criminaliz|prohibit|\bban\b|schedule i\b|controlled (dangerous )?substances? (law|act)?/i.test(title) && !/consumer protection/i.test(title)) return { subject, status: 'banned' }
  if (/consumer protection|regulat|age (limit|requirement)|minimum age|labeling/i.test(title)) return { subject, status: 'regulated' }
  return null
}

/** A getSearch row as a measure observation (`US-LA/2025/SB154`). */
export function measureFromRow(row: SearchRow): ObservationInput {
  const year = /\/bill\/[^/]+\/(\d{4})\b/.exec(row.url)?.[1]
  if (!year) throw new LayoutChangedError(`LegiScan: no session year in bill url "${row.url}"; the url scheme changed.`)
  return {
    kind: 'measure',
    id: `US-${row.state.toUpperCase()}/${year}/${row.bill_number.replace(/\s+/g, '')}`,
    jurisdiction: `US-${row.state.toUpperCase()}`,
    title: row.title,
    stage: stageOf(row.last_action),
    url: row.url,
    last_action: row.last_action,
    last_action_date: isoDate(row.last_action_date),
    effective_date: null,
    proposed_effect: effectOf(row.title),
    source_url: row.url,
    evidence: { text: `${row.state} ${row.bill_number}: ${row.title} — ${row.last_action} (${row.last_action_date}); change_hash ${row.change_hash}` },
  }
}

// LegiScan bill status codes (API manual): 1 Introduced, 2 Engrossed, 3 Enrolled, 4 Passed, 5 Vetoed, 6 Failed.
const STATUS_STAGE: Record<number, 'introduced' | 'passed_chamber' | 'passed_legislature' | 'enacted' | 'vetoed' | 'failed'> = { 1: 'introduced', 2: 'passed_chamber', 3: 'passed_legislature', 4: 'enacted', 5: 'vetoed', 6: 'failed' }

/** A getBill payload (`bill` object) as a measure observation; for the getSearchRaw + getBill flow once the framework supports follow-up requests. */
export function measureFromBill(bill: { state: string; bill_number: string; session: { year_start: number }; title: string; description?: string; status: number; status_date?: string | null; url: string; state_link?: string; history: { date: string; action: string }[] }): ObservationInput {
  const stage = STATUS_STAGE[bill.status]
  if (!stage) throw new UnknownValueError(`LegiScan getBill: unknown status code ${bill.status} for ${bill.state} ${bill.bill_number}.`)
  const last = bill.history.at(-1)
  return {
    kind: 'measure',
    id: `US-${bill.state}/${bill.session.year_start}/${bill.bill_number}`,
    jurisdiction: `US-${bill.state}`,
    title: bill.title,
    stage,
    url: bill.url,
    last_action: last?.action ?? null,
    last_action_date: last ? isoDate(last.date) : null,
    effective_date: null,
    proposed_effect: effectOf(`${bill.title} ${bill.description ?? ''}`),
    source_url: bill.url,
  }
}

const STATES = ['AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR']

export default defineScraper({
  id: 'us-legiscan',
  title: 'LegiScan API getSearch: kratom / mitragynine / 7-OH bills in every state (LegiScan LLC, CC BY 4.0)',
  jurisdictions: STATES.map((s) => `US-${s}`),
  trust: 'primary',
  // Every 6 hours at :25 (4 queries a day, ~120 a month of the 30,000 allowed). Chosen 2026-11.
  schedule: '25 */6 * * *',
  parserVersion: '1',
  // Between sessions a search may legitimately match nothing.
  emptyPossible: true,
  requiresEnv: ['LEGISCAN_API_KEY'],
  sources: { search: { kind: 'json', url: SEARCH_URL } },
  parse({ search }) {
    return readSearch(search.json)
      .filter((row) => row.state !== 'US') // Congress bills: the federal level is read from the Federal Register.
      .map(measureFromRow)
  },
})
