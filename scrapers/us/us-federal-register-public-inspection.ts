import { defineScraper, isoDate, LayoutChangedError, UnknownValueError, type ObservationInput } from '#sdk'

/** Federal Register public inspection (federalregister.gov API): DEA and FDA documents on kratom the day before they are published. */

// 2026-11 (issue 11): documents go on public inspection at the Office of the Federal Register a day
// (sometimes more) before publication; a DEA scheduling order is seen here first. `current.json`
// lists what is on inspection now, in the {count, results[]} shape of the public-inspection search
// (real recording: shared/real-sources/federal-register/api-v1-public-inspection-documents-…).
const CURRENT_URL = 'https://www.federalregister.gov/api/v1/public-inspection-documents/current.json'
const AGENCIES = new Set(['drug-enforcement-administration', 'food-and-drug-administration'])

/** One public-inspection document, as far as parse relies on it. */
export interface PiDocument {
  document_number: string
  title: string
  type: string
  agencies: string[]
  filing_type: string | null
  filed_at: string | null
  publication_date: string | null
  editorial_note: string | null
  html_url: string
}

/** Reads and checks a public-inspection answer ({count, results[]}) and the fields parse needs of every result. */
export function readInspection(json: unknown): PiDocument[] {
  const root = json as { count?: unknown; results?: unknown; errors?: unknown } | null
  if (!root || typeof root !== 'object' || typeof root.count !== 'number') {
    throw new LayoutChangedError(
      'Federal Register public inspection: expected {count, results[]}; the API answered something else.',
    )
  }
  // The API leaves `results` out when nothing is on inspection (count 0); a count without results is a broken answer.
  if (root.count === 0 && root.results === undefined) return []
  if (!Array.isArray(root.results))
    throw new LayoutChangedError(
      `Federal Register public inspection: count ${root.count} but no results list; the response shape changed.`,
    )
  return root.results.map((r: Record<string, unknown>, i) => {
    const str = (key: string, nullable: boolean): string | null => {
      const v = r[key]
      if (typeof v === 'string' && v.trim()) return v.trim()
      if (nullable && (v === null || v === undefined || v === '')) return null
      throw new LayoutChangedError(
        `Federal Register public inspection result ${i} (${String(r.document_number ?? '?')}): field "${key}" is ${JSON.stringify(v)}; the response shape changed.`,
      )
    }
    // Without agencies a DEA order would be skipped silently: a missing list is a layout change, not "no agency".
    if (!Array.isArray(r.agencies))
      throw new LayoutChangedError(
        `Federal Register public inspection result ${i}: agencies is ${JSON.stringify(r.agencies)}; the response shape changed.`,
      )
    const agencies = r.agencies
      .map((a: { slug?: unknown }) => (typeof a?.slug === 'string' ? a.slug : ''))
      .filter(Boolean)
    return {
      document_number: str('document_number', false)!,
      title: str('title', false)!,
      type: str('type', false)!,
      agencies,
      filing_type: str('filing_type', true),
      filed_at: str('filed_at', true),
      publication_date: str('publication_date', true),
      editorial_note: str('editorial_note', true),
      html_url: str('html_url', false)!,
    }
  })
}

/** What a title names: the leaf or mitragynine, or 7-OH itself (a pseudoindoxyl / MGM-15 order names neither). */
export function namedIn(title: string): { leaf: boolean; sevenOh: boolean; any: boolean } {
  const leaf = /\bkratom\b|mitragyna speciosa|\bmitragynine\b(?!\s+pseudoindoxyl)/i.test(title)
  const sevenOh = /7-hydroxymitragynine|\b7-OH\b/i.test(title)
  return { leaf, sevenOh, any: leaf || sevenOh || /mitragynine|\bMGM-1[56]\b/i.test(title) }
}

/** A DEA or FDA document on inspection that names kratom or its alkaloids, as a measure (same id as us-federal-register's, `US/FR/<number>`). */
export function measureOf(doc: PiDocument): ObservationInput | null {
  if (!doc.agencies.some((a) => AGENCIES.has(a))) return null
  const named = namedIn(doc.title)
  if (!named.any) return null
  const withdrawn = /withdraw/i.test(`${doc.title} ${doc.editorial_note ?? ''}`)
  let stage: 'proposed_rule' | 'final_rule' | 'withdrawn'
  if (withdrawn) stage = 'withdrawn'
  else if (doc.type === 'Proposed Rule') stage = 'proposed_rule'
  else if (doc.type === 'Rule') stage = 'final_rule'
  // Notices (e.g. FDA's WHO scheduling comment requests) change no law.
  else if (doc.type === 'Notice' || doc.type === 'Presidential Document') return null
  else
    throw new UnknownValueError(
      `public inspection document ${doc.document_number} has unknown type "${doc.type}"; map it in measureOf (scrapers/us/us-federal-register-public-inspection.ts).`,
    )
  const scheduling = /schedul|placement|placing|control/i.test(doc.title)
  const effect =
    stage === 'withdrawn' || !scheduling
      ? null
      : named.leaf
        ? { subject: 'kratom', status: 'banned' as const }
        : named.sevenOh
          ? { subject: '7-oh', status: 'banned' as const }
          : null
  const filed = doc.filed_at ? isoDate(doc.filed_at.slice(0, 10)) : null
  return {
    kind: 'measure',
    id: `US/FR/${doc.document_number}`,
    jurisdiction: 'US',
    title: doc.title,
    stage,
    url: doc.html_url,
    last_action: `On public inspection${filed ? ` since ${filed}` : ''}${doc.publication_date ? `; to be published ${doc.publication_date}` : ''}${withdrawn && doc.editorial_note ? ` (${doc.editorial_note.slice(0, 300)})` : ''}`,
    last_action_date: filed,
    effective_date: null,
    proposed_effect: effect,
    source_url: doc.html_url,
  }
}

export default defineScraper({
  id: 'us-federal-register-public-inspection',
  title:
    'Federal Register public inspection (Office of the Federal Register API): DEA and FDA kratom documents before publication',
  jurisdictions: ['US'],
  trust: 'primary',
  // 13:00 and 21:00 UTC Monday-Friday: regular filings go on inspection at 08:45 ET, special filings
  // until 16:15 ET (the updated_at fields of the real recording, 2020-08-10). Chosen 2026-11.
  schedule: '0 13,21 * * 1-5',
  parserVersion: '1',
  // Most days nothing on inspection concerns kratom; the envelope and fields are still checked.
  emptyPossible: true,
  sources: { current: { kind: 'json', url: CURRENT_URL } },
  parse({ current }) {
    return readInspection(current.json).flatMap((d) => measureOf(d) ?? [])
  },
})
