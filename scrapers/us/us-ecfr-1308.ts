import { defineScraper, expectMatch, isoDate, LayoutChangedError, text, type StatusObservationInput } from '#sdk'

/** eCFR (Office of the Federal Register, versioner API): 21 CFR 1308.11, Schedule I — is mitragynine or 7-OH listed? */

// 2026-11 (issue 11): the versioner's `full` route takes a YYYY-MM-DD date only ("current" is not
// accepted, and today's date 404s until eCFR catches up). So the run reads title 21's
// `up_to_date_as_of` from titles.json first and asks for the section as of that date (`follow`).
const TITLES_URL = 'https://www.ecfr.gov/api/versioner/v1/titles.json'
const sectionUrl = (date: string) =>
  `https://www.ecfr.gov/api/versioner/v1/full/${date}/title-21.xml?part=1308&section=1308.11`
const READER_URL = 'https://www.ecfr.gov/current/title-21/chapter-II/part-1308/section-1308.11'
// Paragraphs of § 1308.11 that list substances in every edition since 1971: an empty one means the
// XML changed shape (e.g. rows moved into markup this parser does not read), never "no substances".
const MUST_LIST = ['b', 'c', 'd']

/** Title 21's `up_to_date_as_of` date from the versioner's titles.json ({titles:[{number, up_to_date_as_of, …}]}). */
export function title21Date(json: unknown): string {
  const titles = (json as { titles?: unknown } | null)?.titles
  if (!Array.isArray(titles))
    throw new LayoutChangedError('eCFR titles.json: expected {titles:[…]}; the API answered something else.')
  const t21 = titles.find((t: { number?: unknown }) => t?.number === 21) as { up_to_date_as_of?: unknown } | undefined
  if (!t21) throw new LayoutChangedError('eCFR titles.json lists no title 21; the API answered something else.')
  if (typeof t21.up_to_date_as_of !== 'string')
    throw new LayoutChangedError(
      `eCFR titles.json: title 21 has up_to_date_as_of ${JSON.stringify(t21.up_to_date_as_of)}, not a date.`,
    )
  return isoDate(t21.up_to_date_as_of)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
function plain(xml: string): string {
  return text(
    xml
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&(\w+);/g, (m, n: string) => ENTITIES[n] ?? m),
  )
}

/** The paragraphs of § 1308.11 as plain text, with the lettered paragraph each belongs to. */
export function scheduleParagraphs(xml: string): { letter: string; number: string | null; text: string }[] {
  // The versioner answers with the section itself (<DIV8 N="1308.11">), or a part (<DIV5>) or whole
  // title (<ECFR>) containing it; the real-sources recordings show all three roots (2024-05).
  const section = /<DIV8\b[^>]*\bN="1308\.11"[^>]*>([\s\S]*?)<\/DIV8>/.exec(xml)
  if (!section)
    throw new LayoutChangedError(
      'no <DIV8 N="1308.11"> in the eCFR answer; the API returned another section or changed its XML.',
    )
  const body = section[1]!
  expectMatch(
    plain(/<HEAD>([\s\S]*?)<\/HEAD>/.exec(body)?.[1] ?? ''),
    /§\s*1308\.11\s+Schedule I\.?/,
    '"§ 1308.11 Schedule I." heading',
  )
  const out: { letter: string; number: string | null; text: string }[] = []
  let letter = ''
  // 2026-11 (issue 11): real § 1308.11 lists substances as table rows (<DIV class="gpotbl_div"><TABLE>
  // <TR><TD>(1) Name</TD><TD>9815</TD>), temporary listings (h) included; lead-ins stay <P>. Both are
  // read in document order; header rows (<TH> only) are skipped.
  for (const m of body.matchAll(/<P>([\s\S]*?)<\/P>|<TR\b[^>]*>([\s\S]*?)<\/TR>/g)) {
    const cells =
      m[2] === undefined ? null : [...m[2].matchAll(/<TD\b[^>]*>([\s\S]*?)<\/TD>/g)].map((c) => plain(c[1]!))
    if (cells && cells.length === 0) continue
    const t = cells ? cells.filter(Boolean).join(' ') : plain(m[1]!)
    const lettered = cells ? null : /^\(([a-z])\)\s/.exec(t)
    if (lettered) letter = lettered[1]!
    const numbered = /^\((\d+)\)\s/.exec(t)
    out.push({ letter, number: numbered ? numbered[1]! : null, text: t })
  }
  // Opiates are paragraph (b) since the 1970s; without them this is not the schedule we read.
  if (!out.some((p) => p.letter === 'b' && /Opiates/.test(p.text)))
    throw new LayoutChangedError('§ 1308.11 has no "(b) Opiates" paragraph; the section was restructured.')
  for (const l of MUST_LIST) {
    if (!out.some((p) => p.letter === l && p.number)) {
      throw new LayoutChangedError(
        `§ 1308.11(${l}) lists no substances (no numbered <P> or table row <TR><TD>); the XML changed shape, so a new listing could be missed. Read the section and fix scheduleParagraphs.`,
      )
    }
  }
  return out
}

/** Status observations for the kratom subjects whose substances § 1308.11 lists; none when they are absent. */
export function listings(xml: string): StatusObservationInput[] {
  const paragraphs = scheduleParagraphs(xml)
  const find = (pattern: RegExp) => paragraphs.find((p) => p.number && pattern.test(p.text))
  const mitragynine = find(/\bmitragynine\b(?!\s+pseudoindoxyl)/i)
  const sevenOh = find(/7-hydroxymitragynine/i)
  const out: StatusObservationInput[] = []
  const observe = (subject: 'kratom' | '7-oh', p: { letter: string; number: string | null; text: string }) => {
    const threshold = /(\d+(?:\.\d+)?)\s*(?:%|percent)/i.exec(p.text)
    out.push({
      kind: 'status',
      jurisdiction: 'US',
      subject,
      status: 'banned',
      conditions: [
        ...(p.letter === 'h' ? ['temporary listing (21 CFR 1308.11(h))'] : []),
        ...(threshold ? [`applies above ${threshold[1]}% as stated in the listing`] : []),
      ],
      citation: `21 CFR 1308.11(${p.letter})(${p.number})`,
      summary: `Listed in Schedule I of the Controlled Substances Act (21 CFR 1308.11(${p.letter})(${p.number})).`,
      source_url: READER_URL,
      confidence: threshold ? 'medium' : 'high',
      evidence: { text: p.text.slice(0, 4000), selector: `DIV8[N="1308.11"] (${p.letter})(${p.number})` },
    })
  }
  if (mitragynine) observe('kratom', mitragynine)
  if (sevenOh ?? mitragynine) observe('7-oh', (sevenOh ?? mitragynine)!)
  return out
}

export default defineScraper({
  id: 'us-ecfr-1308',
  title: 'eCFR versioner API: 21 CFR 1308.11 (Schedule I), Office of the Federal Register',
  jurisdictions: ['US'],
  trust: 'primary',
  // 12:10 UTC daily: eCFR is updated each federal business day, 1-2 days behind the FR. Chosen 2026-11.
  schedule: '10 12 * * *',
  parserVersion: '2',
  // Absent = nothing emitted (decided 2026-11): § 1308.11 is one of five schedules, so a missing
  // entry proves neither "legal" nor "not controlled"; the curated federal status rests on the whole
  // CSA. This scraper only confirms that a scheduling order reached the CFR. A broken answer still
  // fails loudly (no DIV8 1308.11, no "(b) Opiates", an empty (b)/(c)/(d) list), so empty never hides a layout change.
  emptyPossible: true,
  sources: { titles: { kind: 'json', url: TITLES_URL } },
  follow({ titles }) {
    return {
      section: { kind: 'html', url: sectionUrl(title21Date(titles.json)), headers: { accept: 'application/xml' } },
    }
  },
  parse(_documents, { followed }) {
    const section = followed.section
    if (!section || section.kind === 'json' || section.kind === 'pdf')
      throw new LayoutChangedError('the § 1308.11 XML was not fetched (follow returned no "section").')
    return listings(section.html)
  },
})
