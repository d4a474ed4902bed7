import {
  defineScraper,
  effectFromTitle,
  isoDate,
  LayoutChangedError,
  type FollowContext,
  type ObservationInput,
  UnknownValueError,
  US_STATE_CODES,
} from '#sdk'

/** Open States API v3 (v3.openstates.org, Plural Policy): state bills on kratom and mitragynine, a second source beside LegiScan. */

// How it reads: GET /bills with a full-text query and no `jurisdiction` (the API then searches every
// state; it refuses a request with neither `q` nor `jurisdiction`), newest update first, 20 a page
// (the API's maximum for /bills: `max_per_page = 20` in api-v3 api/bills.py). Page 1 is always read;
// further pages (`follow`) only while page 1 does not yet reach back to the newest `updated_at` the
// last successful run saw (`remember`), and never more than PAGES_PER_RUN pages in all. A run that
// fails keeps the old mark, so what it missed is read again next time.
//
// 2026-11-25, request budget: the api-v3 source (openstates/api-v3 api/auth.py, V3RateLimiter)
// gives the free "default" key tier 10 requests a minute and 250 a day (older versions of the same
// file said 500 a day; plan for 250). Schedule: every 6 hours = 4 runs a day × at most PAGES_PER_RUN
// (5) requests = 20 a day, plus fetch retries (each attempt counts); a run's 5 requests stay under
// 10 a minute even with one retry each. A 429 makes the run degraded; the next run asks again.
//
// 2026-11-25, coverage: the first run (no mark) reads the 100 most recently updated matching bills;
// older ones, and bills beyond the first 100 updated between two runs, are left to LegiScan, the
// primary source for bills (us-legiscan), which this one only confirms or hears of first.
//
// The key goes in the X-API-KEY header (api-v3 api/auth.py accepts it there or as `apikey` in the
// query): a header is never part of a recorded URL, an error message or a log line (issue 10).
//
// Query: websearch syntax (PostgreSQL websearch_to_tsquery, english): `OR` between words.
// "7-hydroxymitragynine" is indexed as its parts, so "hydroxymitragynine" finds 7-OH-only bills.
const QUERY = 'kratom OR mitragynine OR hydroxymitragynine'
const pageUrl = (page: number) =>
  `https://v3.openstates.org/bills?q=${encodeURIComponent(QUERY)}&include=actions&sort=updated_desc&per_page=20&page=${page}`
const KEY_HEADER = { 'x-api-key': '{OPENSTATES_API_KEY}' }

/** Pages read per run at most (page 1 + PAGES_PER_RUN - 1 followed), 20 bills each. */
export const PAGES_PER_RUN = 5

/** What the scraper keeps between runs: the newest `updated_at` seen on page 1 of the last successful run. */
export interface Memory {
  updated_at: string
}

/** One action of a v3 Bill (`include=actions`). */
export interface Action {
  organization: { name: string; classification: string }
  description: string
  date: string
  classification: string[]
  order: number
}

/** The parts of a v3 Bill this scraper reads (api-v3 api/schemas.py `Bill`). */
export interface Bill {
  id: string
  session: string
  jurisdiction: { id: string; name: string; classification: string }
  identifier: string
  title: string
  updated_at: string
  openstates_url: string
  latest_action_date?: string | null
  latest_action_description?: string | null
  actions: Action[]
}

/** A /bills page: {results:[Bill…], pagination:{per_page, page, max_page, total_items}}. */
export interface Page {
  results: Bill[]
  pagination: { per_page: number; page: number; max_page: number; total_items: number }
}

/** Reads a /bills page; throws LayoutChangedError on an error body ({detail}) or a changed envelope. */
export function readPage(json: unknown, name: string): Page {
  const root = json as { results?: unknown; pagination?: Record<string, unknown>; detail?: unknown } | null
  if (
    !root ||
    typeof root !== 'object' ||
    !Array.isArray(root.results) ||
    !root.pagination ||
    typeof root.pagination !== 'object'
  ) {
    const detail =
      root && typeof root === 'object' && root.detail !== undefined ? ` (detail: ${JSON.stringify(root.detail)})` : ''
    throw new LayoutChangedError(
      `Open States /bills (${name}): expected {results, pagination}${detail}; check the API key and the API's answer.`,
    )
  }
  for (const f of ['per_page', 'page', 'max_page', 'total_items']) {
    if (!Number.isInteger(root.pagination[f]))
      throw new LayoutChangedError(
        `Open States /bills (${name}): pagination.${f} is ${JSON.stringify(root.pagination[f])}; the response format changed.`,
      )
  }
  root.results.forEach((b: Record<string, unknown>, i) => {
    for (const f of ['id', 'session', 'identifier', 'title', 'updated_at', 'openstates_url']) {
      if (typeof b[f] !== 'string' || !(b[f] as string).trim())
        throw new LayoutChangedError(
          `Open States /bills (${name}) result ${i}: field "${f}" is ${JSON.stringify(b[f])}; the response format changed.`,
        )
    }
    if (Number.isNaN(Date.parse(b.updated_at as string)))
      throw new LayoutChangedError(
        `Open States /bills (${name}) result ${i}: updated_at ${JSON.stringify(b.updated_at)} is not a timestamp.`,
      )
    const j = b.jurisdiction as Record<string, unknown> | undefined
    if (!j || typeof j.id !== 'string' || typeof j.classification !== 'string')
      throw new LayoutChangedError(
        `Open States /bills (${name}) result ${i}: jurisdiction {id, classification} missing; the response format changed.`,
      )
    // Without include=actions the API leaves `actions` out: the stage could not be read.
    if (!Array.isArray(b.actions))
      throw new LayoutChangedError(
        `Open States /bills (${name}) result ${i}: actions missing (include=actions ignored?); the response format changed.`,
      )
  })
  return root as unknown as Page
}

/** Open States' bill action classifications (openstates-core data/common.py BILL_ACTION_CLASSIFICATIONS). */
export const ACTION_CLASSIFICATIONS = new Set([
  'filing',
  'introduction',
  'enrolled',
  'reading-1',
  'reading-2',
  'reading-3',
  'passage',
  'failure',
  'withdrawal',
  'substitution',
  'amendment-introduction',
  'amendment-passage',
  'amendment-withdrawal',
  'amendment-failure',
  'amendment-amendment',
  'amendment-deferral',
  'committee-passage',
  'committee-passage-favorable',
  'committee-passage-unfavorable',
  'committee-failure',
  'executive-receipt',
  'executive-signature',
  'executive-veto',
  'executive-veto-line-item',
  'became-law',
  'veto-override-passage',
  'veto-override-failure',
  'deferral',
  'receipt',
  'referral',
  'referral-committee',
])

type BillStage = 'introduced' | 'passed_chamber' | 'passed_legislature' | 'enacted' | 'vetoed' | 'failed' | 'withdrawn'

/**
 * The measure stage from a bill's action classifications, furthest first: enacted (became-law,
 * executive-signature, or a line-item veto, which signs the rest) > vetoed > failed / withdrawn (only
 * when the last classified action says so: a failed vote or a "withdrawal" can be followed by more
 * moves) > passed_legislature (executive-receipt, enrolled, or passage in both chambers, or in a
 * unicameral "legislature") > passed_chamber (passage in one) > introduced (any other classified action).
 * Throws on an unknown classification and on a veto override (whether both chambers overrode is not
 * said). A bill with no actions at all is `introduced` (it exists, nothing has happened to it).
 * A bill whose actions carry no classification is `null`, unclassified: 2026-11 (issue 11), that is
 * common (several states' actions are not classified by Open States, per its users), and reading
 * their wording is LegiScan's job, so the bill is left out instead of making the whole run degrade.
 */
export function stageOf(bill: Pick<Bill, 'jurisdiction' | 'identifier' | 'actions'>): BillStage | null {
  const name = `${bill.jurisdiction.name ?? bill.jurisdiction.id} ${bill.identifier}`
  const actions = [...bill.actions].sort((a, b) => a.order - b.order)
  if (actions.length === 0) return 'introduced'
  const classified = actions.filter((a) => Array.isArray(a.classification) && a.classification.length > 0)
  for (const a of classified) {
    const unknown = a.classification.find((c) => !ACTION_CLASSIFICATIONS.has(c))
    if (unknown)
      throw new UnknownValueError(
        `Open States: unknown action classification "${unknown}" on ${name} ("${a.description}"); add it to stageOf in scrapers/us/us-openstates-bills.ts after reading the bill's actions.`,
      )
  }
  if (classified.length === 0) return null
  const has = (c: string) => classified.some((a) => a.classification.includes(c))
  if (has('became-law') || has('executive-signature') || has('executive-veto-line-item')) return 'enacted'
  if (has('veto-override-passage'))
    throw new UnknownValueError(
      `Open States: ${name} has a veto override passage but no became-law action; read its actions and extend stageOf.`,
    )
  if (has('executive-veto')) return 'vetoed'
  const last = classified.at(-1)!
  if (last.classification.includes('failure') || last.classification.includes('committee-failure')) return 'failed'
  // "Withdrawn from committee / calendar" is classified `withdrawal` too, but moves the bill on.
  if (last.classification.includes('withdrawal') && !/withdrawn?\s+from\b/i.test(last.description)) return 'withdrawn'
  if (has('executive-receipt') || has('enrolled')) return 'passed_legislature'
  const chambers = new Set(
    classified.filter((a) => a.classification.includes('passage')).map((a) => a.organization?.classification),
  )
  if (chambers.has('legislature') || (chambers.has('upper') && chambers.has('lower'))) return 'passed_legislature'
  if (chambers.has('upper') || chambers.has('lower')) return 'passed_chamber'
  return 'introduced'
}

/**
 * The state code of a bill's jurisdiction from its OCD id (`…/country:us/state:la/government`,
 * `district:dc`, `territory:pr`); null for other levels (Congress, cities), which this scraper leaves out.
 */
export function stateOf(jurisdiction: Bill['jurisdiction']): string | null {
  const m = /^ocd-jurisdiction\/country:us\/(?:state|district|territory):([a-z]{2})\/government$/.exec(jurisdiction.id)
  if (m) return m[1]!.toUpperCase()
  if (jurisdiction.id === 'ocd-jurisdiction/country:us/government' || /\/place:|\/county:/.test(jurisdiction.id))
    return null
  throw new UnknownValueError(
    `Open States: unknown jurisdiction id "${jurisdiction.id}" (${jurisdiction.name}); map it in stateOf.`,
  )
}

/**
 * A v3 Bill as a measure observation with us-legiscan's id (`US-LA/2025/SB154`: state, the session's
 * first year, identifier without spaces), so both sources speak of one measure; null for a bill that
 * is not a state's, whose session is not named by a year, or whose actions are unclassified.
 */
export function measureFromBill(bill: Bill): ObservationInput | null {
  const state = stateOf(bill.jurisdiction)
  if (!state) return null
  // 2026-11-25: LegiScan keys a bill by its session's first year ("2025-2026" → 2025). Sessions Open
  // States names by number (TX "89R"-style, OH "136", IL "104th", MA "194th", NJ "221", DC council
  // periods) give no year; the prefile date would give the wrong one, so those bills are left to LegiScan.
  const year = /^(\d{4})/.exec(bill.session)?.[1]
  if (!year || Number(year) < 1990 || Number(year) > 2100) return null
  const number = bill.identifier.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z0-9.-]+$/.test(number))
    throw new UnknownValueError(
      `Open States: bill identifier "${bill.identifier}" (${state} ${bill.session}) does not make a measure id; map it in measureFromBill.`,
    )
  const stage = stageOf(bill)
  if (!stage) return null
  const lastAction = bill.latest_action_description?.trim() || null
  const lastDate = bill.latest_action_date ? isoDate(bill.latest_action_date) : null
  return {
    kind: 'measure',
    id: `US-${state}/${year}/${number}`,
    jurisdiction: `US-${state}`,
    title: bill.title.trim(),
    stage,
    url: bill.openstates_url,
    last_action: lastAction,
    last_action_date: lastDate,
    effective_date: null,
    proposed_effect: effectFromTitle(bill.title),
    source_url: bill.openstates_url,
    evidence: {
      text: `${state} ${bill.identifier}: ${bill.title.trim()}${lastAction ? ` — ${lastAction} (${lastDate})` : ''}`,
    },
  }
}

const followName = (page: number) => `page${page}`
const newestOf = (page: Page) =>
  page.results.reduce<string | null>(
    (max, b) => (max === null || Date.parse(b.updated_at) > Date.parse(max) ? b.updated_at : max),
    null,
  )

export default defineScraper({
  id: 'us-openstates-bills',
  title:
    'Open States API v3 /bills: kratom / mitragynine bills in every state (Plural Policy, a second source beside LegiScan)',
  jurisdictions: [...US_STATE_CODES, 'PR'].map((s) => `US-${s}`),
  trust: 'secondary',
  // Every 6 hours at :40 (LegiScan runs at :25); the request arithmetic is at the top of this file. Chosen 2026-11.
  schedule: '40 */6 * * *',
  parserVersion: '2',
  // A query may match nothing between sessions; a bill from a session without a year gives no measure.
  emptyPossible: true,
  requiresEnv: ['OPENSTATES_API_KEY'],
  maxFollow: PAGES_PER_RUN - 1,
  sources: { bills: { kind: 'json', url: pageUrl(1), headers: KEY_HEADER } },
  follow({ bills }, { previous }: FollowContext<Memory>) {
    const page = readPage(bills.json, 'page1')
    const oldest = page.results.at(-1)
    // Page 1 already reaches back to what the last run saw: nothing newer lies beyond it.
    if (previous && oldest && Date.parse(oldest.updated_at) <= Date.parse(previous.updated_at)) return {}
    const last = Math.min(page.pagination.max_page, PAGES_PER_RUN)
    const out: Record<string, { kind: 'json'; url: string; headers: Record<string, string> }> = {}
    for (let n = 2; n <= last; n++) out[followName(n)] = { kind: 'json', url: pageUrl(n), headers: KEY_HEADER }
    return out
  },
  remember({ bills }, { previous }): Memory {
    const newest = newestOf(readPage(bills.json, 'page1'))
    if (!newest) return previous ?? { updated_at: '1970-01-01T00:00:00+00:00' }
    return {
      updated_at: previous && Date.parse(previous.updated_at) > Date.parse(newest) ? previous.updated_at : newest,
    }
  },
  parse({ bills }, { followed }) {
    const pages = [
      readPage(bills.json, 'page1'),
      ...Object.entries(followed).map(([name, doc]) => readPage(doc.kind === 'json' ? doc.json : null, name)),
    ]
    const seen = new Set<string>()
    const out: ObservationInput[] = []
    for (const bill of pages.flatMap((p) => p.results)) {
      // A bill updated between two page requests can appear on two pages.
      if (seen.has(bill.id)) continue
      seen.add(bill.id)
      const measure = measureFromBill(bill)
      if (measure) out.push(measure)
    }
    return out
  },
})
