import { defineScraper, expectMatch, LayoutChangedError, text, type StatusObservationInput } from '#sdk'

/** eCFR (Office of the Federal Register, versioner API): 21 CFR 1308.11, Schedule I — is mitragynine or 7-OH listed? */

// 2026-11: the versioner takes a date or "current" (seen in many public clients; not checked live
// from here). The framework has no date placeholder for URLs, so "current" it is; a 404 makes the
// run degraded (reason http), which is the signal to revisit this line.
const URL_1308_11 = 'https://www.ecfr.gov/api/versioner/v1/full/current/title-21.xml?part=1308&section=1308.11'
const READER_URL = 'https://www.ecfr.gov/current/title-21/chapter-II/part-1308/section-1308.11'

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
  if (!section) throw new LayoutChangedError('no <DIV8 N="1308.11"> in the eCFR answer; the API returned another section or changed its XML.')
  const body = section[1]!
  expectMatch(plain(/<HEAD>([\s\S]*?)<\/HEAD>/.exec(body)?.[1] ?? ''), /§\s*1308\.11\s+Schedule I\.?/, '"§ 1308.11 Schedule I." heading')
  const out: { letter: string; number: string | null; text: string }[] = []
  let letter = ''
  for (const m of body.matchAll(/<P>([\s\S]*?)<\/P>/g)) {
    const t = plain(m[1]!)
    const lettered = /^\(([a-z])\)\s/.exec(t)
    if (lettered) letter = lettered[1]!
    const numbered = /^\((\d+)\)\s/.exec(t)
    out.push({ letter, number: numbered ? numbered[1]! : null, text: t })
  }
  // Opiates are paragraph (b) since the 1970s; without them this is not the schedule we read.
  if (!out.some((p) => p.letter === 'b' && /Opiates/.test(p.text))) throw new LayoutChangedError('§ 1308.11 has no "(b) Opiates" paragraph; the section was restructured.')
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
      conditions: [...(p.letter === 'h' ? ['temporary listing (21 CFR 1308.11(h))'] : []), ...(threshold ? [`applies above ${threshold[1]}% as stated in the listing`] : [])],
      citation: `21 CFR 1308.11(${p.letter})(${p.number})`,
      summary: `Listed in Schedule I of the Controlled Substances Act (21 CFR 1308.11(${p.letter})(${p.number})).`,
      source_url: READER_URL,
      confidence: threshold ? 'medium' : 'high',
      evidence: { text: p.text.slice(0, 4000), selector: `DIV8[N="1308.11"] P:(${p.letter})(${p.number})` },
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
  parserVersion: '1',
  // Absent = nothing emitted (decided 2026-11): § 1308.11 is one of five schedules, so a missing
  // entry proves neither "legal" nor "not controlled"; the curated federal status rests on the whole
  // CSA. This scraper only confirms that a scheduling order reached the CFR. A broken page still
  // fails loudly (no DIV8 1308.11, no "(b) Opiates"), so empty never hides a layout change.
  emptyPossible: true,
  sources: { section: { kind: 'html', url: URL_1308_11, headers: { accept: 'application/xml' } } },
  parse({ section }) {
    return listings(section.html)
  },
})
