import {
  defineScraper,
  expectMatch,
  expectOne,
  isoDate,
  LayoutChangedError,
  text,
  UnknownValueError,
  type HtmlDocument,
  type StatusObservationInput,
} from '#sdk'

/** South Carolina General Assembly: bill page of S. 221 (2025), the South Carolina Kratom Consumer Protection Act (S.C. Code §§ 44-53-2010 to -2040). */

const BILL_URL = 'https://www.scstatehouse.gov/sess126_2025-2026/bills/221.htm'
const NUMBERS: Record<string, number> = { eighteen: 18, nineteen: 19, twenty: 20, 'twenty-one': 21 }

/**
 * The act text of an SC bill page: the plain <p>s after "Be it enacted by the General Assembly…"
 * up to the "This web page was last updated" footer, empty ones dropped, a leading quote (the
 * inserted article is quoted) removed. 2026-11 (issue 11): real pages have no p.section; the text
 * is in plain <p> elements (real 2011 pages in shared/real-sources/state-legislature, same today).
 */
export function actParagraphs($: HtmlDocument['$']): string[] {
  const all = $('p')
    .toArray()
    .map((p) => text($(p)))
  const start = all.findIndex((p) => /^Be it enacted by the General Assembly/.test(p))
  if (start < 0)
    throw new LayoutChangedError(
      'no "Be it enacted by the General Assembly" paragraph; the bill page has no act text or its layout changed.',
    )
  const end = all.findIndex((p, i) => i > start && /^This web page was last updated/.test(p))
  const out = all
    .slice(start + 1, end < 0 ? undefined : end)
    .map((p) => p.replace(/^["“]/, ''))
    .filter(Boolean)
  if (out.length === 0)
    throw new LayoutChangedError('the act text after "Be it enacted…" is empty; the bill page layout changed.')
  return out
}

export default defineScraper({
  id: 'us-sc-legislature-s221',
  title: 'South Carolina General Assembly, S. 221 (2025): South Carolina Kratom Consumer Protection Act, enacted text',
  jurisdictions: ['US-SC'],
  trust: 'primary',
  // 06:50 UTC daily: the bill page changes when an amending act cites the article (2026 H. 4641
  // proposed rewriting it; seen 2026-11), so it is read daily, not weekly.
  schedule: '50 6 * * *',
  parserVersion: '2',
  sources: {
    bill: { kind: 'html', url: BILL_URL },
  },
  parse({ bill }) {
    const { $ } = bill
    expectMatch(
      text(expectOne($, 'head > title', 'page title')),
      /Bill 221: South Carolina Kratom Consumer Protection Act/,
      'bill 221 title',
    )
    // The status block is one <p> of <br>-separated lines after the bold "STATUS INFORMATION" (same in 2011 and 2025 layouts).
    const status = $('p')
      .toArray()
      .map((p) => text($(p)))
      .find((line) => /Governor's Action:/.test(line))
    if (!status)
      throw new LayoutChangedError('no "Governor\'s Action:" line in the status block; the bill page layout changed.')
    const action = expectMatch(status, /Governor's Action: ([A-Z][a-z]+ \d{1,2}, \d{4}), (\w+)/, "governor's action")
    if (action[2] !== 'Signed')
      throw new UnknownValueError(
        `governor's action "${action[2]}" on S. 221; only "Signed" is understood. Check the bill page.`,
      )
    const signed = isoDate(action[1]!)
    const actNo = expectMatch(
      text(expectOne($, 'b:contains("STATUS INFORMATION")', 'status heading').parent().prevAll('p').first()),
      /^A(\d+), R(\d+), S221$/,
      'act and ratification numbers',
    )

    const paragraphs = actParagraphs($)
    const body = paragraphs.join('\n')
    // "takes effect upon approval by the Governor": the effective date is the signing date.
    expectMatch(body, /This act takes effect upon approval by the Governor\./, 'effective-date clause')
    const start = paragraphs.findIndex((p) => p.startsWith('Section 44-53-2020.'))
    if (start < 0) throw new LayoutChangedError('section 44-53-2020 (prohibitions) is missing from the act text.')
    const end = paragraphs.findIndex((p, i) => i > start && /^(Section \d|SECTION)/.test(p))
    const prohibitions = paragraphs.slice(start, end < 0 ? undefined : end)
    const s2020 = prohibitions.join(' ')
    const ageWord = expectMatch(
      s2020,
      /sell any kratom product to any individual under ([a-z-]+) years of age/,
      'minimum age clause',
    )[1]!
    const minAge = NUMBERS[ageWord]
    if (!minAge) throw new UnknownValueError(`unreadable age "${ageWord}" in § 44-53-2020(A)(1).`)

    const conditions = [`no sale under ${minAge}`]
    if (/in a manner that would allow the product to be accessed by an individual under/.test(s2020))
      conditions.push(`kept inaccessible to under-${minAge}s`)
    if (/labeling requirements established pursuant to Section 44-53-2030/.test(s2020))
      conditions.push('labeling required')
    const synthetic = prohibitions.find((p) => /fully synthetic 7-hydroxymitragynine/.test(p))
    if (synthetic) conditions.push('no fully synthetic alkaloids')
    if (/residual solvents higher than the standards set forth in Chapter 467/.test(s2020))
      conditions.push('residual solvents within USP 467')
    // The Senate committee's 2% 7-OH cap was struck by the House (May 2025); if it ever returns, report it.
    const cap = /7-hydroxymitragynine in the alkaloid fraction which is greater than (\w+) percent/.exec(s2020)
    if (cap) conditions.push(`7-OH ≤ ${cap[1] === 'two' ? 2 : cap[1]}% of alkaloid fraction`)

    const citation = `S.C. Code §§ 44-53-2010 to -2040 (South Carolina Kratom Consumer Protection Act, S. 221, Act No. ${actNo[1]} of 2025)`
    const observations: StatusObservationInput[] = [
      {
        kind: 'status',
        jurisdiction: 'US-SC',
        subject: 'kratom',
        status: 'regulated',
        min_age: minAge,
        conditions,
        citation,
        effective_date: signed,
        summary: `Kratom products may be sold in South Carolina only to people ${minAge} or older, labeled, and kept out of reach of younger customers.`,
        source_url: BILL_URL,
        confidence: 'high',
        evidence: { text: s2020.slice(0, 4000), selector: 'p:contains("Section 44-53-2020.")' },
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
        citation: `S.C. Code § 44-53-2020(A)(2)(${item}) (S. 221, Act No. ${actNo[1]} of 2025)`,
        effective_date: signed,
        summary:
          'Kratom products containing fully synthetic 7-hydroxymitragynine may not be made or sold in South Carolina.',
        source_url: BILL_URL,
        confidence: 'high',
        evidence: { text: synthetic },
      })
    }
    return observations
  },
})
