import {
  defineScraper,
  expectMatch,
  expectOne,
  expectRows,
  isoDate,
  LayoutChangedError,
  text,
  type HtmlDocument,
  type StatusObservationInput,
} from '#sdk'

/** Texas Legislative Council: Health & Safety Code ch. 444 (Texas Kratom Consumer Protection Act), statutes.capitol.texas.gov. */

// 2026-11 (issue 11): statutes.capitol.texas.gov/Docs/… now answers every path with the same Angular
// shell (no statute text); the Council serves the chapter HTML from tcss.legis.texas.gov (the
// original_url of the real BC.551 recording). Fetch from there, cite the public statutes URL.
const FETCH_URL = 'https://tcss.legis.texas.gov/resources/HS/htm/HS.444.htm'
const CHAPTER_URL = 'https://statutes.capitol.texas.gov/Docs/HS/htm/HS.444.htm'
const ACT = 'Texas Kratom Consumer Protection Act'

export interface Section {
  number: string
  heading: string
  /** The section's subsection paragraphs, in order. */
  paragraphs: string[]
  /** "Added by Acts …" / "Amended by Acts …" lines. */
  history: string[]
}

// The page is one <pre> of flat <p>s (XSLT output, seen 2026-09 on BC.551, same template for HS):
// an empty <p> holding <a name="444.00N"> starts a section, the next <p> holds the bold "Sec." link,
// then subsection <p>s, then history <p>s starting "Added by Acts" / "Amended by Acts".
/** The sections of a Council chapter page (any code, any chapter: `chapter` is e.g. "444"). */
export function sections(doc: HtmlDocument, chapter = '444'): Section[] {
  const { $ } = doc
  const out: Section[] = []
  let current: Section | null = null
  for (const el of expectRows($, 'pre > p', 'statute paragraphs')) {
    const anchor = el.find(`a[name^="${chapter}."]`).attr('name')
    if (anchor) {
      current = { number: anchor, heading: '', paragraphs: [], history: [] }
      out.push(current)
      continue
    }
    if (!current) continue
    const line = text(el)
    if (/^(Added|Amended|Redesignated|Transferred) by Acts/.test(line)) current.history.push(line)
    else if (!current.heading) {
      const m = expectMatch(
        line,
        new RegExp(`^Sec\\. (${chapter.replace('.', '\\.')}\\.\\d+)\\. (.+?)\\.(?: (.*))?$`),
        `"Sec." heading of ${current.number}`,
      )
      current.heading = m[2]!
      if (m[3]) current.paragraphs.push(m[3])
    } else current.paragraphs.push(line)
  }
  if (out.length === 0)
    throw new LayoutChangedError(
      `no <a name="${chapter}.…"> section anchors on the chapter page; the page layout changed.`,
    )
  return out
}

/** The latest "eff. <date>" among the history lines of the given sections. */
export function latestEffective(secs: Section[]): string {
  const dates = secs.flatMap((s) =>
    s.history.map((h) =>
      isoDate(expectMatch(h, /eff\. ([A-Z][a-z]+\.? \d{1,2}, \d{4})/, `effective date in "${h}"`)[1]!),
    ),
  )
  if (dates.length === 0)
    throw new LayoutChangedError(
      'no "Added by Acts … eff." history line on the sections read; the page layout changed.',
    )
  return dates.sort().at(-1)!
}

const NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 }

export default defineScraper({
  id: 'us-tx-statutes-hs-444',
  title: 'Texas Health & Safety Code ch. 444 (Kratom Consumer Protection Act), Texas Legislative Council',
  jurisdictions: ['US-TX'],
  trust: 'primary',
  // 06:20 UTC daily: the Council republishes statute pages overnight Central time (checked 2026-11).
  schedule: '20 6 * * *',
  parserVersion: '2',
  sources: {
    chapter: { kind: 'html', url: FETCH_URL },
  },
  parse({ chapter }) {
    // A wrong chapter (the URL now serving another page) must not read as "no kratom law".
    expectMatch(
      text(expectOne(chapter.$, 'head > title', 'page title')),
      /HEALTH AND SAFETY CODE\s+CHAPTER 444\./,
      'chapter 444 title',
    )
    const secs = sections(chapter)
    const bySubject = (pattern: RegExp) => secs.filter((s) => pattern.test(s.heading))
    const all = secs.map((s) => `${s.heading}. ${s.paragraphs.join(' ')}`).join(' ')

    const ageSection = secs.find((s) => /SALE TO CERTAIN INDIVIDUALS|YOUNGER THAN|MINORS/.test(s.heading))
    if (!ageSection)
      throw new LayoutChangedError('no section on sales to individuals under an age; the chapter was restructured.')
    const ageText = ageSection.paragraphs.join(' ')
    const minAge = Number(expectMatch(ageText, /younger than (\d+) years of age/, 'minimum age sentence')[1])

    const prohibited = secs.find((s) => s.number === '444.003')
    if (!prohibited) throw new LayoutChangedError('section 444.003 (prohibited kratom products) is missing.')
    const itemOf = (pattern: RegExp) => prohibited.paragraphs.find((p) => pattern.test(p))?.match(/^\((\d+)\)/)?.[1]
    const potencyItem = itemOf(/7-hydroxymitragynine in the alkaloid fraction/)
    const syntheticItem = itemOf(/synthetic alkaloid/)
    const potency = potencyItem
      ? expectMatch(prohibited.paragraphs.join(' '), /greater than (\w+) percent/, '7-OH percentage')[1]!
      : null
    const percent = potency ? (NUMBERS[potency.toLowerCase()] ?? Number(potency)) : null
    if (percent !== null && !Number.isFinite(percent))
      throw new LayoutChangedError(`unreadable 7-OH limit "${potency}" in 444.003.`)

    const conditions = [`no sale under ${minAge}`]
    if (bySubject(/REGISTRATION/).length) conditions.push('product registration')
    if (bySubject(/LABEL/).length) conditions.push('labeling required')
    if (syntheticItem) conditions.push('no synthetic alkaloids')
    if (percent !== null) conditions.push(`7-OH ≤ ${percent}% of alkaloid fraction`)

    const enacted = expectMatch(
      all + ' ' + secs.flatMap((s) => s.history).join(' '),
      /Added by Acts (\d{4}), (\d+)(?:st|nd|rd|th) Leg\., R\.S\., Ch\. \d+ \(S\.B\. (\d+)\)/,
      'enacting act',
    )
    const effective = latestEffective(secs)
    const observations: StatusObservationInput[] = [
      {
        kind: 'status',
        jurisdiction: 'US-TX',
        subject: 'kratom',
        status: 'regulated',
        min_age: minAge,
        conditions,
        citation: `Tex. Health & Safety Code ch. 444 (${ACT}, SB ${enacted[3]}, ${enacted[2]}th Leg.)`,
        effective_date: effective,
        summary: `Kratom products may be sold in Texas only to people ${minAge} or older${conditions.includes('product registration') ? ', as registered products' : ''}${conditions.includes('labeling required') ? ' with required labels' : ''}.`,
        source_url: CHAPTER_URL,
        confidence: 'high',
        evidence: { text: `Sec. ${ageSection.number}. ${ageText}`, selector: `a[name="${ageSection.number}"]` },
      },
    ]
    if (potencyItem && syntheticItem) {
      const items = [Number(potencyItem), Number(syntheticItem)].sort((a, b) => a - b)
      observations.push({
        kind: 'status',
        jurisdiction: 'US-TX',
        subject: '7-oh',
        status: 'restricted',
        min_age: minAge,
        conditions: [`7-OH ≤ ${percent}% of alkaloid fraction`, 'no synthetic alkaloids'],
        citation: `Tex. Health & Safety Code § 444.003(${items[0]})-(${items[1]})`,
        effective_date: latestEffective([prohibited, ageSection]),
        summary: `Kratom products with 7-OH above ${percent}% of the alkaloid fraction or containing synthetic 7-OH may not be sold in Texas.`,
        source_url: CHAPTER_URL,
        confidence: 'high',
        evidence: {
          text: prohibited.paragraphs
            .filter((p) => /7-hydroxymitragynine in the alkaloid|synthetic alkaloid/.test(p))
            .join(' '),
          selector: 'a[name="444.003"]',
        },
      })
    }
    return observations
  },
})
