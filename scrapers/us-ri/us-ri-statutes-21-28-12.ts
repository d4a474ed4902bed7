import {
  defineScraper,
  expectMatch,
  expectOne,
  expectRows,
  isoDate,
  LayoutChangedError,
  text,
  UnknownValueError,
  type HtmlDocument,
} from '#sdk'

/** Rhode Island General Laws (webserver.rilegislature.gov): ch. 21-28.12, the Rhode Island Kratom Act, §§ 21-28.12-3 (product limits) and -4 (age). */

const BASE = 'https://webserver.rilegislature.gov/Statutes/TITLE21/21-28.12'

interface Section {
  number: string
  /** "[Effective April 1, 2026.]" on the heading, as ISO date, or null once the bracket is dropped. */
  pending: string | null
  paragraphs: string[]
  history: string
}

// The pages are Word exports (seen 2026): centred title/chapter lines, "R.I. Gen. Laws § N", a bold
// "§ N. Heading." paragraph, one paragraph per subdivision, then "History of Section." with the P.L. line.
function section(doc: HtmlDocument, number: string): Section {
  const { $ } = doc
  const paragraphs = expectRows($, 'p', 'statute paragraphs').map((p) => text(p))
  const headingAt = paragraphs.findIndex((p) => p.startsWith(`§ ${number}. `))
  if (headingAt < 0)
    throw new LayoutChangedError(`no "§ ${number}." heading on ${doc.url}; the section moved or the layout changed.`)
  const historyAt = paragraphs.findIndex((p) => p.startsWith('History of Section.'))
  if (historyAt < headingAt)
    throw new LayoutChangedError(`no "History of Section." after § ${number}; the layout changed.`)
  const bracket = /\[Effective ([A-Z][a-z]+ \d{1,2}, \d{4})\.\]/.exec(paragraphs[headingAt]!)
  return {
    number,
    pending: bracket ? isoDate(bracket[1]!) : null,
    paragraphs: paragraphs.slice(headingAt + 1, historyAt),
    history: paragraphs[historyAt]!.replace(/^History of Section\.\s*/, ''),
  }
}

/** The session laws in the history line, e.g. ["P.L. 2025, ch. 446", "P.L. 2025, ch. 447"], and their latest effective date. */
function enactments(history: string): { laws: string[]; effective: string } {
  const parts = [...history.matchAll(/(P\.L\. \d{4}, ch\. \d+), § \d+, effective ([A-Z][a-z]+ \d{1,2}, \d{4})/g)]
  if (parts.length === 0)
    throw new LayoutChangedError(`no "P.L. …, effective …" entries in the history line "${history}".`)
  return {
    laws: parts.map((m) => m[1]!),
    effective: parts
      .map((m) => isoDate(m[2]!))
      .sort()
      .at(-1)!,
  }
}

const NUMBER_WORDS: Record<string, number> = { eighteen: 18, nineteen: 19, twenty: 20, 'twenty-one': 21 }

export default defineScraper({
  id: 'us-ri-statutes-21-28-12',
  title: 'Rhode Island Gen. Laws ch. 21-28.12 (Rhode Island Kratom Act), §§ 21-28.12-3 and -4',
  jurisdictions: ['US-RI'],
  trust: 'primary',
  // 06:35 UTC daily: 2026 bills (e.g. H 7518, locked-case rule) amend § 21-28.12-4; the statute
  // pages are republished soon after enactment (checked 2026-11).
  schedule: '35 6 * * *',
  parserVersion: '1',
  sources: {
    limits: { kind: 'html', url: `${BASE}/21-28.12-3.htm` },
    age: { kind: 'html', url: `${BASE}/21-28.12-4.htm` },
  },
  parse({ limits, age }) {
    expectMatch(text(expectOne(limits.$, 'title', 'page title')), /^21-28\.12-3$/, 'section 21-28.12-3 page title')
    const s3 = section(limits, '21-28.12-3')
    const s4 = section(age, '21-28.12-4')
    expectMatch(
      s3.paragraphs[0] ?? '',
      /^\(a\) A person shall not prepare, distribute, sell, possess, or advertise any of the following:$/,
      'prohibition sentence of § 21-28.12-3(a)',
    )
    const item = (pattern: RegExp) => s3.paragraphs.find((p) => pattern.test(p))
    const synthetic = item(/synthetic 7-hydroxymitragynine/)
    const perGram = expectMatch(
      s3.paragraphs.join('\n'),
      /Greater than ([\d.]+) mg 7-hydroxymitragynine per gram/,
      '7-OH per-gram limit',
    )[1]!
    const perServing = expectMatch(
      s3.paragraphs.join('\n'),
      /Greater than ([\d.]+) mg 7-hydroxymitragynine per serving/,
      '7-OH per-serving limit',
    )[1]!
    const mitragynine = /Greater than ([\d.]+) mg of mitragynine per serving/.exec(s3.paragraphs.join('\n'))?.[1]
    if (!synthetic)
      throw new LayoutChangedError(
        'the synthetic-alkaloid prohibition of § 21-28.12-3(a) is missing; read the section.',
      )

    const ageText = s4.paragraphs.join(' ')
    const ageMatch = expectMatch(
      ageText,
      /to any individual under ([a-z-]+) \((\d+)\) years of age/,
      'minimum age sentence of § 21-28.12-4',
    )
    const minAge = Number(ageMatch[2])
    if (NUMBER_WORDS[ageMatch[1]!] !== minAge)
      throw new UnknownValueError(
        `§ 21-28.12-4 says "${ageMatch[1]} (${ageMatch[2]})": the words and figure disagree; read the section.`,
      )

    const { laws, effective } = enactments(s3.history)
    // While the bracket "[Effective …]" is on the heading the act is not yet in force; it must agree with the P.L. line.
    if (s3.pending && s3.pending !== effective)
      throw new UnknownValueError(`heading says effective ${s3.pending}, history says ${effective}; read the section.`)

    const sevenOh = [`7-OH ≤ ${perGram} mg/g`, `7-OH ≤ ${perServing} mg/serving`, 'no synthetic alkaloids']
    const conditions = [`no sale under ${minAge}`]
    if (/photo identification/.test(ageText)) conditions.push('photo ID required')
    if (/behind the sales counter/.test(ageText))
      conditions.push(/locked case/.test(ageText) ? 'behind the counter, in a locked case' : 'behind the counter')
    if (item(/combustible or intended to be used for vaporization/)) conditions.push('no vape or smokable products')
    if (item(/child-resistant packaging/)) conditions.push('child-resistant packaging')
    if (item(/conventional food or beverage/)) conditions.push('no conventional food or beverage products')
    if (mitragynine) conditions.push(`mitragynine ≤ ${mitragynine} mg/serving`)
    conditions.push(...sevenOh)

    const act = `Rhode Island Kratom Act, ${laws.join(' and ')}`
    return [
      {
        kind: 'status',
        jurisdiction: 'US-RI',
        subject: 'kratom',
        status: 'regulated',
        min_age: minAge,
        conditions,
        citation: `R.I. Gen. Laws ch. 21-28.12 (${act})`,
        effective_date: effective,
        summary: `From ${effective}, kratom products may be sold in Rhode Island only to people ${minAge} or older, kept behind the counter, within strict alkaloid limits.`,
        source_url: age.url,
        confidence: 'high',
        evidence: { text: ageText.slice(0, 4000), selector: 'p' },
      },
      {
        kind: 'status',
        jurisdiction: 'US-RI',
        subject: '7-oh',
        status: 'restricted',
        min_age: minAge,
        conditions: sevenOh,
        citation: `R.I. Gen. Laws § 21-28.12-3(a)(5), (a)(10) (${act})`,
        effective_date: effective,
        summary: `From ${effective}, kratom products with synthetic alkaloids or more than ${perGram} mg 7-OH per gram or ${perServing} mg per serving may not be sold or possessed in Rhode Island.`,
        source_url: limits.url,
        confidence: 'high',
        evidence: {
          text: s3.paragraphs
            .filter((p) => /7-hydroxymitragynine/.test(p))
            .join(' ')
            .slice(0, 4000),
          selector: 'p',
        },
      },
    ]
  },
})
