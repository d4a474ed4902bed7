import {
  defineScraper,
  isoDate,
  LayoutChangedError,
  UnknownValueError,
  type ObservationInput,
  type StatusObservationInput,
} from '#sdk'

/** Federal Register API (federalregister.gov, Office of the Federal Register): DEA and FDA documents on kratom and its alkaloids. */

// The search answers {count, description, total_pages, results[]} (real recordings in
// real-sources/federal-register). Without fields[] the search returns only its default set (no
// docket_ids, effective_on, action), so every field parse() reads is requested explicitly
// (fields[] syntax as in fr-api-documents-search-2016-02-29-fields, seen 2016-09).
// 2026-11 (issue 11, checked): "|" is OR in the FR full-text search, quotes make a phrase
// (federalregister.gov/reader-aids/videos-tutorials/utilizing-complex-search-terms: "pipe | pipeline",
// "(tensile & strength) & (pipe | pipeline)"); conditions[term] is that same search. An answer with
// count 0 still makes the run degraded, never empty.
const FIELDS = [
  'document_number',
  'title',
  'type',
  'action',
  'abstract',
  'publication_date',
  'effective_on',
  'docket_ids',
  'citation',
  'html_url',
  'pdf_url',
  'agencies',
  'comments_close_on',
]
const TERM = 'kratom | mitragynine | "7-hydroxymitragynine" | "mitragynine pseudoindoxyl"'
const SEARCH_URL =
  'https://www.federalregister.gov/api/v1/documents.json?' +
  [
    `conditions%5Bterm%5D=${encodeURIComponent(TERM)}`,
    'conditions%5Bagencies%5D%5B%5D=drug-enforcement-administration',
    'conditions%5Bagencies%5D%5B%5D=food-and-drug-administration',
    'order=newest',
    'per_page=100',
    ...FIELDS.map((f) => `fields%5B%5D=${f}`),
  ].join('&')

/** One search result, as far as parse relies on it. */
export interface FrDocument {
  document_number: string
  title: string
  type: string
  action: string | null
  abstract: string | null
  publication_date: string
  effective_on: string | null
  docket_ids: string[]
  citation: string | null
  html_url: string
  comments_close_on: string | null
}

function str(o: Record<string, unknown>, key: string, nullable: boolean): string | null {
  const v = o[key]
  if (typeof v === 'string' && v.trim()) return v.trim()
  if (nullable && (v === null || v === undefined || v === '')) return null
  throw new LayoutChangedError(
    `Federal Register result ${String(o.document_number ?? '?')}: field "${key}" is ${JSON.stringify(v)}; the API response shape changed (or fields[] was not honoured).`,
  )
}

/** Reads and checks the search response envelope and each result's fields. */
export function readSearch(json: unknown): FrDocument[] {
  if (
    !json ||
    typeof json !== 'object' ||
    !Array.isArray((json as { results?: unknown }).results) ||
    typeof (json as { count?: unknown }).count !== 'number'
  ) {
    throw new LayoutChangedError(
      'Federal Register search: expected {count, results[]}; the API answered something else.',
    )
  }
  const { count, results } = json as { count: number; results: Record<string, unknown>[] }
  // 2016-08 and 2016-10 DEA documents always match this search, so zero results means a broken query, not "no law".
  if (count === 0 || results.length === 0)
    throw new LayoutChangedError(
      'Federal Register search returned no documents, although the 2016 DEA kratom notices always match; the query syntax or API changed.',
    )
  return results.map((r) => ({
    document_number: str(r, 'document_number', false)!,
    title: str(r, 'title', false)!,
    type: str(r, 'type', false)!,
    action: str(r, 'action', true),
    abstract: str(r, 'abstract', true),
    publication_date: isoDate(str(r, 'publication_date', false)!),
    effective_on: str(r, 'effective_on', true),
    docket_ids: Array.isArray(r.docket_ids) ? r.docket_ids.map(String) : [],
    citation: str(r, 'citation', true),
    html_url: str(r, 'html_url', false)!,
    comments_close_on: str(r, 'comments_close_on', true),
  }))
}

/** What a document names, read from its title (the title names what is scheduled; the abstract also names the plant as context). */
export function substancesIn(title: string): {
  mitragynine: boolean
  sevenOh: boolean
  pseudoindoxyl: boolean
  plant: boolean
} {
  return {
    // "7-Hydroxymitragynine" has no word boundary before "mitragynine", so this matches mitragynine itself only.
    mitragynine: /\bmitragynine\b(?!\s+pseudoindoxyl)/i.test(title),
    sevenOh: /7-hydroxymitragynine|\b7-OH\b/i.test(title),
    pseudoindoxyl: /mitragynine\s+pseudoindoxyl/i.test(title),
    plant: /\bkratom\b|mitragyna speciosa/i.test(title),
  }
}

type Stage = 'proposed_rule' | 'final_rule' | 'withdrawn'

/** The measure stage of a document: a withdrawal, a proposed rule (notice of intent, NPRM) or a rule (temporary or final order); null for notices, which change no law. */
export function stageOf(doc: FrDocument): Stage | null {
  if (/withdraw/i.test(`${doc.title} ${doc.action ?? ''}`)) return 'withdrawn'
  switch (doc.type) {
    case 'Proposed Rule':
      return 'proposed_rule'
    case 'Rule':
      return 'final_rule'
    // 2026-11: FDA "International Drug Scheduling" notices ask for comments on WHO reviews of
    // kratom; they change no US law, so they are not measures. Presidential documents never matched.
    case 'Notice':
    case 'Presidential Document':
      return null
    default:
      throw new UnknownValueError(
        `Federal Register document ${doc.document_number} has unknown type "${doc.type}"; map it in stageOf (scrapers/us/us-federal-register.ts) after reading the document.`,
      )
  }
}

const SCHEDULING = /schedul|placement|placing|control/i

/** One FR document as observations: always a measure; a scheduling order with an effective date also becomes (scheduled) status observations. */
export function observationsOf(doc: FrDocument): ObservationInput[] {
  const stage = stageOf(doc)
  if (!stage) return []
  const named = substancesIn(doc.title)
  const leaf = named.mitragynine || named.plant
  // Record only what a document names (issue 11): a measure for mitragynine pseudoindoxyl, MGM-15 or
  // MGM-16 is a measure, but neither a kratom nor a 7-OH status (e.g. the DEA's "Temporary Placement
  // of Mitragynine Pseudoindoxyl, MGM-15, and MGM-16 in Schedule I").
  const alkaloid = named.sevenOh
  const effect =
    stage === 'withdrawn' || !SCHEDULING.test(doc.title)
      ? null
      : leaf
        ? { subject: 'kratom', status: 'banned' as const }
        : alkaloid
          ? { subject: '7-oh', status: 'banned' as const }
          : null
  const cite = `${doc.citation ?? 'FR'} (FR Doc. ${doc.document_number}${doc.docket_ids.length ? `; ${doc.docket_ids.join(', ')}` : ''})`
  const out: ObservationInput[] = [
    {
      kind: 'measure',
      id: `US/FR/${doc.document_number}`,
      jurisdiction: 'US',
      title: doc.title,
      stage,
      url: doc.html_url,
      last_action: `${(doc.action ?? doc.type).replace(/\.\s*$/, '')}, published at ${doc.citation ?? doc.publication_date}${doc.comments_close_on ? `; comments until ${doc.comments_close_on}` : ''}`,
      last_action_date: doc.publication_date,
      effective_date: doc.effective_on,
      proposed_effect: effect,
      source_url: doc.html_url,
      evidence: doc.abstract ? { text: doc.abstract.slice(0, 4000) } : undefined,
    },
  ]
  if (stage !== 'final_rule' || !SCHEDULING.test(doc.title) || !/schedule i\b/i.test(doc.title)) return out
  if (!doc.effective_on) {
    throw new UnknownValueError(
      `Federal Register rule ${doc.document_number} schedules a kratom alkaloid but has no effective_on date; read its DATES section and extend observationsOf.`,
    )
  }
  const temporary = /temporary/i.test(`${doc.title} ${doc.action ?? ''}`)
  const threshold = /(\d+(?:\.\d+)?)\s*(?:%|percent)/i.exec(doc.abstract ?? '')
  const conditions = [
    ...(temporary ? ['temporary scheduling order (21 U.S.C. 811(h))'] : []),
    ...(threshold ? [`applies above the ${threshold[1]}% threshold stated in the order`] : []),
  ]
  const subjects: ('kratom' | '7-oh')[] = [
    ...(leaf ? (['kratom'] as const) : []),
    ...(alkaloid || leaf ? (['7-oh'] as const) : []),
  ]
  for (const subject of subjects) {
    const status: StatusObservationInput = {
      kind: 'status',
      jurisdiction: 'US',
      subject,
      status: 'banned',
      conditions,
      citation: `${cite}, 21 CFR 1308.11`,
      effective_date: doc.effective_on,
      summary: `${doc.title}: Schedule I of the Controlled Substances Act from ${doc.effective_on}${temporary ? ' (temporary order)' : ''}.`,
      source_url: doc.html_url,
      // A threshold is summarised, not modelled: a person should read the order's exact limits.
      confidence: threshold ? 'medium' : 'high',
      evidence: { text: (doc.abstract ?? doc.title).slice(0, 4000) },
    }
    out.push(status)
  }
  return out
}

export default defineScraper({
  id: 'us-federal-register',
  title: 'Federal Register API (Office of the Federal Register): DEA and FDA documents on kratom, mitragynine, 7-OH',
  jurisdictions: ['US'],
  trust: 'primary',
  // 11:40 UTC Monday-Friday: the FR publishes each weekday at 06:00 Eastern; one request per run
  // is far inside the API's (unpublished, "reasonable use") rate limit. Chosen 2026-11.
  schedule: '40 11 * * 1-5',
  parserVersion: '2',
  sources: { search: { kind: 'json', url: SEARCH_URL } },
  parse({ search }) {
    return readSearch(search.json).flatMap(observationsOf)
  },
})
