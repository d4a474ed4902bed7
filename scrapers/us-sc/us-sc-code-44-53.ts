import {
  defineScraper,
  expectMatch,
  isoDate,
  LayoutChangedError,
  UnknownValueError,
  type HtmlDocument,
  type StatusObservationInput,
} from '#sdk'

/** South Carolina Code of Laws (scstatehouse.gov), Title 44 Chapter 53: Article 20 (Kratom Consumer Protection Act) and the Schedule I list, § 44-53-190. */

// 2026-11 (issue 11): a code-section watcher instead of a bill page. The S. 221 bill page stops
// changing once the act is history; the chapter page shows the law as amended, and its Schedule I
// section shows whether kratom or 7-OH is ever scheduled. Read as text ("SECTION 44-53-NNNN."
// lines, "HISTORY:" lines), not by markup: no recording of a code page exists to pin selectors on.
const CHAPTER_URL = 'https://www.scstatehouse.gov/code/t44c053.php'
const NUMBERS: Record<string, number> = { eighteen: 18, nineteen: 19, twenty: 20, 'twenty-one': 21 }

export interface CodeSection {
  number: string
  heading: string
  lines: string[]
  history: string | null
}

/** The sections of a code chapter page: lines from the page text, grouped under each "SECTION 44-53-NNN. Heading." line. */
export function codeSections(doc: HtmlDocument): Map<string, CodeSection> {
  const { $ } = doc
  // Line breaks of the page (br, paragraph and block ends) become newlines before the text is read.
  $('br').replaceWith('\n')
  $('p, div, li, h1, h2, h3, h4, tr').append('\n')
  const lines = $('body')
    .text()
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
  const out = new Map<string, CodeSection>()
  let current: CodeSection | null = null
  for (const line of lines) {
    const m = /^SECTION (44-53-\d+)\.\s*(.*)$/.exec(line)
    if (m) {
      current = { number: m[1]!, heading: m[2]!.trim(), lines: [], history: null }
      out.set(current.number, current)
    } else if (current && /^HISTORY:/.test(line)) current.history = line
    else if (current) current.lines.push(line)
  }
  if (out.size === 0)
    throw new LayoutChangedError(
      'no "SECTION 44-53-…" lines on the code page; the page layout changed or it is not chapter 53.',
    )
  return out
}

/** The act and effective date that added Article 20, from its history line ("… Act No. 35 (S.221), Section 1, eff May 12, 2025."). */
export function enactment(history: string | null): { year: string; act: string; effective: string } {
  const m = expectMatch(
    history ?? '',
    /(\d{4}) Act No\. (\d+) \(S\.\s?221\), Section \d+, eff ([A-Z][a-z]+ \d{1,2}, \d{4})/,
    'history line "YYYY Act No. N (S.221), Section N, eff Month D, YYYY" of § 44-53-2020',
  )
  return { year: m[1]!, act: m[2]!, effective: isoDate(m[3]!) }
}

export default defineScraper({
  id: 'us-sc-code-44-53',
  title:
    'South Carolina Code of Laws, Title 44 Chapter 53: Kratom Consumer Protection Act (Art. 20) and Schedule I (§ 44-53-190)',
  jurisdictions: ['US-SC'],
  trust: 'primary',
  // 06:55 UTC on Mondays: the Code is republished after each session's acts are codified (2026-11);
  // weekly is enough, and the chapter page is large.
  schedule: '55 6 * * 1',
  parserVersion: '1',
  sources: { chapter: { kind: 'html', url: CHAPTER_URL } },
  parse({ chapter }) {
    const sections = codeSections(chapter)
    const schedule1 = sections.get('44-53-190')
    if (!schedule1)
      throw new LayoutChangedError(
        '§ 44-53-190 (Schedule I) is missing from the chapter page; the page is truncated or the chapter was renumbered.',
      )
    // A kratom alkaloid in Schedule I is a change of legal category: a person reads it first.
    const listed = schedule1.lines.find((l) => /mitragynine|kratom|mitragyna/i.test(l))
    if (listed)
      throw new UnknownValueError(
        `§ 44-53-190 (Schedule I) now names a kratom alkaloid: "${listed.slice(0, 200)}". Read the section and extend scrapers/us-sc/us-sc-code-44-53.ts.`,
      )

    const s2020 = sections.get('44-53-2020')
    if (!s2020)
      throw new LayoutChangedError(
        '§ 44-53-2020 (kratom prohibitions) is missing from the chapter page; Article 20 was repealed or renumbered: read the chapter.',
      )
    const text = s2020.lines.join(' ')
    const ageWord = expectMatch(
      text,
      /sell any kratom product to any individual under ([a-z-]+) years of age/,
      'minimum age clause of § 44-53-2020(A)(1)',
    )[1]!
    const minAge = NUMBERS[ageWord]
    if (!minAge) throw new UnknownValueError(`unreadable age "${ageWord}" in § 44-53-2020(A)(1).`)
    const { year, act, effective } = enactment(s2020.history)

    const conditions = [`no sale under ${minAge}`]
    if (/in a manner that would allow the product to be accessed by an individual under/.test(text))
      conditions.push(`kept inaccessible to under-${minAge}s`)
    if (/labeling requirements established pursuant to Section 44-53-2030/.test(text))
      conditions.push('labeling required')
    const synthetic = s2020.lines.find((l) => /fully synthetic 7-hydroxymitragynine/.test(l))
    if (synthetic) conditions.push('no fully synthetic alkaloids')
    if (/residual solvents higher than the standards set forth in Chapter 467/.test(text))
      conditions.push('residual solvents within USP 467')
    const cap = /7-hydroxymitragynine in the alkaloid fraction which is greater than (\w+) percent/.exec(text)
    if (cap) conditions.push(`7-OH ≤ ${cap[1] === 'two' ? 2 : cap[1]}% of alkaloid fraction`)

    const observations: StatusObservationInput[] = [
      {
        kind: 'status',
        jurisdiction: 'US-SC',
        subject: 'kratom',
        status: 'regulated',
        min_age: minAge,
        conditions,
        citation: `S.C. Code §§ 44-53-2010 to -2040 (South Carolina Kratom Consumer Protection Act, S. 221, Act No. ${act} of ${year})`,
        effective_date: effective,
        summary: `Kratom products may be sold in South Carolina only to people ${minAge} or older, labeled, and kept out of reach of younger customers.`,
        source_url: CHAPTER_URL,
        confidence: 'high',
        evidence: {
          text: `SECTION 44-53-2020. ${s2020.heading} ${text}`.slice(0, 4000),
          selector: 'text: SECTION 44-53-2020.',
        },
      },
    ]
    if (synthetic) {
      const item = expectMatch(synthetic, /^\(([a-z])\)/, 'item letter of the synthetic-alkaloid clause')[1]
      observations.push({
        kind: 'status',
        jurisdiction: 'US-SC',
        subject: '7-oh',
        status: 'restricted',
        min_age: minAge,
        conditions: ['no fully synthetic 7-OH', ...(cap ? [conditions.at(-1)!] : [])],
        citation: `S.C. Code § 44-53-2020(A)(2)(${item}) (S. 221, Act No. ${act} of ${year})`,
        effective_date: effective,
        summary:
          'Kratom products containing fully synthetic 7-hydroxymitragynine may not be made or sold in South Carolina.',
        source_url: CHAPTER_URL,
        confidence: 'high',
        evidence: { text: synthetic },
      })
    }
    return observations
  },
})
