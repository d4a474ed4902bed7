import {
  defineScraper,
  expectMatch,
  expectOne,
  expectRows,
  LayoutChangedError,
  text,
  UnknownValueError,
  type StatusObservationInput,
} from '#sdk'

/** Solana Beach Municipal Code (Code Publishing): ch. 6.40, Regulation of the Sale and Distribution of Kratom (Ord. 537, 2024). */

const CHAPTER_URL = 'https://codepublishing.com/CA/SolanaBeach/html/SolanaBeach06/SolanaBeach0640.html'
const CITY = 'US-CA-SOLANA-BEACH'

export default defineScraper({
  id: 'us-ca-solana-beach-municipal-code-6-40',
  title: 'Solana Beach Municipal Code ch. 6.40 (kratom sales to persons under 21), Code Publishing',
  jurisdictions: [CITY],
  trust: 'primary',
  // 07:15 UTC on Wednesdays: Code Publishing republishes the code after each codified ordinance;
  // the council meets twice a month, so weekly is enough (checked 2026-11).
  schedule: '15 7 * * 3',
  parserVersion: '1',
  sources: {
    chapter: { kind: 'html', url: CHAPTER_URL },
  },
  parse({ chapter }) {
    const { $ } = chapter
    expectMatch(
      text(expectOne($, 'h1', 'chapter heading')),
      /^Chapter 6\.40\s*REGULATION OF THE SALE AND DISTRIBUTION OF KRATOM$/,
      'chapter 6.40 heading',
    )
    // The <br> in the heading leaves no space in the text (2026-11). The table of contents is the stable part of a Code Publishing page: "6.40.030    Title." lines.
    const toc = new Map(
      expectRows($, 'p.CHTOC', 'table of contents').map((p) => {
        const m = expectMatch(text(p), /^(6\.40\.\d{3}) (.+)$/, 'table of contents line')
        return [m[1]!, m[2]!] as const
      }),
    )
    const title030 = toc.get('6.40.030')
    if (!title030)
      throw new LayoutChangedError(
        'section 6.40.030 is missing from the table of contents; the chapter was restructured.',
      )
    const age = /^Prohibition on sale or distribution of kratom to persons under the age of (\d+)\.$/.exec(title030)
    if (!age)
      throw new UnknownValueError(
        `6.40.030 is now titled "${title030}"; the age rule changed. Read the amending ordinance before teaching this scraper the new wording.`,
      )
    const minAge = Number(age[1])
    // The purpose clause states the same rule; if the two disagree, a human reads the chapter.
    const purpose = expectRows($, 'p.P1', 'section paragraphs')
      .map((p) => text(p))
      .find((p) => /no kratom products shall be sold or distributed/.test(p))
    const stated = purpose && /to any person under the age of (\d+) in the city/.exec(purpose)
    if (!stated || Number(stated[1]) !== minAge)
      throw new UnknownValueError(`6.40.010 does not state the same age as 6.40.030 (${minAge}); read the chapter.`)
    const ordinance = expectMatch(purpose!, /\(Ord\. (\d+) § \d+, (\d{4})\)/, 'ordinance history note of 6.40.010')
    const definition = $('p.P1')
      .toArray()
      .map((p) => text($(p)))
      .find((p) => /^“Kratom” or “Kratom Product” means/.test(p))
    if (!definition) throw new LayoutChangedError('the definition of “Kratom” in 6.40.020 is missing.')

    const conditions = [`no sale to persons under ${minAge}`]
    if (toc.get('6.40.040') === 'Posting requirement.') conditions.push('posting of age notice required')
    const base = {
      kind: 'status',
      jurisdiction: CITY,
      status: 'regulated',
      min_age: minAge,
      conditions,
      citation: `Solana Beach Municipal Code ch. 6.40 (Regulation of the Sale and Distribution of Kratom), Ord. ${ordinance[1]} (${ordinance[2]})`,
      // The code page states no effective date (the ordinance's date is in the clerk's records).
      effective_date: null,
      source_url: CHAPTER_URL,
      confidence: 'high',
    } as const
    const observations: StatusObservationInput[] = [
      {
        ...base,
        subject: 'kratom',
        summary: `Kratom may not be sold or given to anyone under ${minAge} in Solana Beach.`,
        evidence: { text: `6.40.030 ${title030} ${purpose}`.slice(0, 4000), selector: 'p.CHTOC, p.P1' },
      },
    ]
    // "Kratom product" includes synthetic alkaloids and synthetically derived compounds, so 7-OH products fall under the same rule.
    if (/synthetic alkaloid, or synthetically derived compound/.test(definition)) {
      observations.push({
        ...base,
        subject: '7-oh',
        summary: `Kratom products, including synthetic or semi-synthetic 7-OH products, may not be sold to anyone under ${minAge} in Solana Beach.`,
        evidence: { text: definition, selector: 'p.P1' },
      })
    }
    return observations
  },
})
