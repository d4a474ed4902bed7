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

/** LegiScan API (legiscan.com, CC BY 4.0): state bills on kratom, mitragynine and 7-OH in all states. */

// How it reads: op=getSearchRaw (one query: every matching bill of the current sessions, with its
// bill_id and change_hash, up to 2000 a page), then op=getBill only for the bills whose change_hash
// differs from the one remembered after the last successful run (`follow` + `remember`). A run that
// fails keeps the old hashes, so whatever it did not finish is asked again next time.
//
// 2026-11-25, query budget: the free Public API allows 30,000 queries a month (legiscan.com/legiscan,
// "limited to 30,000 queries per month"). Schedule: every 6 hours = 4 runs a day, at most 31 × 4 = 124
// runs a month. Each run spends 1 getSearchRaw + at most BILLS_PER_RUN (200) getBill queries, so the
// hard ceiling is 124 × (1 + 200) = 24,924 queries a month, leaving 5,076 for fetch retries and manual
// `kratomwatch scrape --only us-legiscan` runs. Typical use is far lower: the first run reads every
// matching bill once (tens to ~150), then only bills whose change_hash moved (a few a day in session):
// about 124 + 31 × 10 ≈ 430 a month. A search with more than 200 changed bills is read over several
// runs (200 each, most relevant first), never in one.
//
// Query syntax (legiscan.com/fulltext-search): operators in capitals, quotes for an exact phrase.
const SEARCH_URL =
  'https://api.legiscan.com/?key={LEGISCAN_API_KEY}&op=getSearchRaw&state=ALL&year=2&query=kratom+OR+mitragynine+OR+%227-hydroxymitragynine%22'
const billUrl = (billId: number) => `https://api.legiscan.com/?key={LEGISCAN_API_KEY}&op=getBill&id=${billId}`
/** At most this many getBill queries per run (also the framework cap, `maxFollow`). */
export const BILLS_PER_RUN = 200

/** One result of getSearchRaw. */
export interface RawRow {
  relevance: number
  bill_id: number
  change_hash: string
}

/** What the scraper keeps between runs: the change_hash of every bill it has read, by bill_id. */
export interface Memory {
  hashes: Record<string, string>
}

const apiError = (root: { status?: string; alert?: { message?: string } } | null) =>
  `status ${JSON.stringify(root?.status)}${root?.alert?.message ? ` (${root.alert.message})` : ''}`

/**
 * Reads a getSearchRaw answer. 2026-11 (issue 11, checked): the LegiScan API User Manual documents
 * {status:"OK", searchresult:{summary:{…, count, page_total}, "0":{relevance, bill_id, change_hash},
 * "1":{…}, …}}: numbered keys beside `summary`. Public clients of the live API read
 * `searchresult.results` as an array instead, so both are accepted; anything else is a layout change.
 */
export function readSearchRaw(json: unknown): RawRow[] {
  const root = json as {
    status?: string
    searchresult?: Record<string, unknown> & { summary?: { count?: unknown }; results?: unknown }
    alert?: { message?: string }
  } | null
  if (!root || root.status !== 'OK' || !root.searchresult || typeof root.searchresult !== 'object') {
    throw new LayoutChangedError(
      `LegiScan getSearchRaw: expected {status:"OK", searchresult}, got ${apiError(root)}; check the API key and the API's answer.`,
    )
  }
  const { summary } = root.searchresult
  if (!summary || typeof summary.count !== 'number')
    throw new LayoutChangedError(
      'LegiScan getSearchRaw: searchresult.summary.count missing; the response format changed.',
    )
  const numbered = Object.keys(root.searchresult)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => root.searchresult![k])
  const results = Array.isArray(root.searchresult.results)
    ? root.searchresult.results
    : root.searchresult.results === undefined
      ? numbered
      : null
  if (!results)
    throw new LayoutChangedError(
      'LegiScan getSearchRaw: searchresult.results is not a list and there are no numbered results; the response format changed.',
    )
  if (results.length === 0 && summary.count > 0)
    throw new LayoutChangedError(
      `LegiScan getSearchRaw: summary.count is ${summary.count} but no result was read; the response format changed.`,
    )
  return results.map((r: Record<string, unknown>, i) => {
    if (!Number.isInteger(r.bill_id) || (r.bill_id as number) <= 0)
      throw new LayoutChangedError(
        `LegiScan getSearchRaw result ${i}: bill_id is ${JSON.stringify(r.bill_id)}; the response format changed.`,
      )
    if (typeof r.change_hash !== 'string' || !/^[0-9a-f]{32}$/.test(r.change_hash))
      throw new LayoutChangedError(
        `LegiScan getSearchRaw result ${i}: change_hash is ${JSON.stringify(r.change_hash)}; the response format changed.`,
      )
    return { relevance: Number(r.relevance), bill_id: r.bill_id as number, change_hash: r.change_hash }
  })
}

/** The parts of a getBill `bill` object this scraper reads (shape of the real recording ../shared/real-sources/legiscan/legiscan-bill-AK-2011-HB1.json). */
export interface Bill {
  bill_id: number
  change_hash: string
  state: string
  bill_number: string
  session: { year_start: number }
  title: string
  description?: string
  status: number
  status_date?: string | null
  url: string
  state_link?: string
  history: { date: string; action: string }[]
}

/** Reads a getBill answer ({status:"OK", bill:{…}}; the bulk-dataset form without `status` too). */
export function readBill(json: unknown, name: string): Bill {
  const root = json as { status?: string; bill?: Record<string, unknown>; alert?: { message?: string } } | null
  if (!root || (root.status !== undefined && root.status !== 'OK') || !root.bill || typeof root.bill !== 'object') {
    throw new LayoutChangedError(
      `LegiScan getBill (${name}): expected {status:"OK", bill}, got ${apiError(root)}; check the API key and the API's answer.`,
    )
  }
  const b = root.bill
  for (const f of ['state', 'bill_number', 'title', 'url']) {
    if (typeof b[f] !== 'string' || !(b[f] as string).trim())
      throw new LayoutChangedError(
        `LegiScan getBill (${name}): field "${f}" is ${JSON.stringify(b[f])}; the response format changed.`,
      )
  }
  if (
    typeof b.status !== 'number' ||
    typeof (b.session as { year_start?: unknown } | undefined)?.year_start !== 'number' ||
    !Array.isArray(b.history)
  ) {
    throw new LayoutChangedError(
      `LegiScan getBill (${name}): status, session.year_start or history missing; the response format changed.`,
    )
  }
  return b as unknown as Bill
}

// Ordered: the first match wins, so "Vetoed" and "Sent to the Governor" win over "Passed".
// Wordings seen on LegiScan bill histories (2025-2026); an unseen one degrades the run.
const STAGES: [
  RegExp,
  'enacted' | 'vetoed' | 'withdrawn' | 'failed' | 'passed_legislature' | 'passed_chamber' | 'introduced',
][] = [
  [/\bvetoed\b/i, 'vetoed'],
  [
    /signed by (the )?governor|becomes act|became law|\bact no\.|chaptered|approved by (the )?governor|public act|without (the )?governor'?s signature/i,
    'enacted',
  ],
  [/\bwithdrawn\b/i, 'withdrawn'],
  [/\bdied\b|\bfailed\b|indefinitely postponed|sine die|\bdead\b/i, 'failed'],
  [/(sent|presented|delivered|transmitted) to (the )?governor|\benrolled\b/i, 'passed_legislature'],
  [/\bpassed\b|third reading|engrossed|received from the (house|senate)/i, 'passed_chamber'],
  [
    /introduced|referred|first reading|read first time|pre-?filed|\bfiled\b|committee|hearing|reported|second reading|placed on|amendment/i,
    'introduced',
  ],
]

/** The measure stage implied by a bill's last action; throws on an unseen wording. */
export function stageOf(lastAction: string): (typeof STAGES)[number][1] {
  const hit = STAGES.find(([re]) => re.test(lastAction))
  if (!hit)
    throw new UnknownValueError(
      `LegiScan: unknown last-action wording "${lastAction}"; add it to STAGES in scrapers/us/us-legiscan.ts after reading the bill history.`,
    )
  return hit[1]
}

// LegiScan bill status codes (API manual): 1 Introduced, 2 Engrossed, 3 Enrolled, 4 Passed, 5 Vetoed, 6 Failed.
const STATUS_STAGE: Record<
  number,
  'introduced' | 'passed_chamber' | 'passed_legislature' | 'enacted' | 'vetoed' | 'failed'
> = { 1: 'introduced', 2: 'passed_chamber', 3: 'passed_legislature', 4: 'enacted', 5: 'vetoed', 6: 'failed' }

/** A getBill `bill` object as a measure observation (`US-LA/2025/SB154`); the stage from the status code, else from the last action. */
export function measureFromBill(
  bill: Pick<Bill, 'state' | 'bill_number' | 'session' | 'title' | 'description' | 'status' | 'url' | 'history'>,
): ObservationInput {
  const last = bill.history.at(-1)
  // Status 0 (no status yet, e.g. prefiled) or a new code: read the stage from the last action instead.
  const stage = STATUS_STAGE[bill.status] ?? (last ? stageOf(last.action) : null)
  if (!stage)
    throw new UnknownValueError(
      `LegiScan getBill: unknown status code ${bill.status} and no history for ${bill.state} ${bill.bill_number}.`,
    )
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
    proposed_effect: effectFromTitle(`${bill.title} ${bill.description ?? ''}`),
    source_url: bill.url,
    evidence: {
      text: `${bill.state} ${bill.bill_number}: ${bill.title}${last ? ` — ${last.action} (${last.date})` : ''}`,
    },
  }
}

const followName = (billId: number) => `bill${billId}`

export default defineScraper({
  id: 'us-legiscan',
  title:
    'LegiScan API getSearchRaw + getBill: kratom / mitragynine / 7-OH bills in every state (LegiScan LLC, CC BY 4.0)',
  jurisdictions: [...US_STATE_CODES, 'PR'].map((s) => `US-${s}`),
  trust: 'primary',
  // Every 6 hours at :25; the query arithmetic is at the top of this file. Chosen 2026-11.
  schedule: '25 */6 * * *',
  parserVersion: '2',
  // Between sessions a search may legitimately match nothing, and a run where no bill changed reads none.
  emptyPossible: true,
  requiresEnv: ['LEGISCAN_API_KEY'],
  maxFollow: BILLS_PER_RUN,
  sources: { search: { kind: 'json', url: SEARCH_URL } },
  follow({ search }, { previous }: FollowContext<Memory>) {
    const seen = previous?.hashes ?? {}
    const changed = readSearchRaw(search.json)
      .filter((row) => seen[row.bill_id] !== row.change_hash)
      .slice(0, BILLS_PER_RUN) // most relevant first; the rest next run
    return Object.fromEntries(
      changed.map((row) => [followName(row.bill_id), { kind: 'json' as const, url: billUrl(row.bill_id) }]),
    )
  },
  remember({ search }, { previous, followed }): Memory {
    // Bills read this run get the search's hash (the one `follow` compares); bills no longer in the search are forgotten.
    const hashes: Record<string, string> = {}
    for (const row of readSearchRaw(search.json)) {
      if (followed[followName(row.bill_id)]) hashes[row.bill_id] = row.change_hash
      else if (previous?.hashes[row.bill_id]) hashes[row.bill_id] = previous.hashes[row.bill_id]!
    }
    return { hashes }
  },
  parse(_documents, { followed }) {
    return Object.entries(followed)
      .map(([name, doc]) => readBill(doc.kind === 'json' ? doc.json : null, name))
      .filter((bill) => bill.state !== 'US') // Congress bills: the federal level is read from the Federal Register.
      .map(measureFromBill)
  },
})
