import { defineScraper, expectMatch, expectOne, isoDate, LayoutChangedError, text, type HtmlDocument } from '#sdk'

/** Wisconsin Legislature (docs.legis.wisconsin.gov): Wis. Stat. § 961.14 (Schedule I) paragraphs (7)(mk) mitragynine and (7)(mL) 7-hydroxymitragynine, with 2013 Wisconsin Act 351 that created them. */

const STATUTE_URL = 'https://docs.legis.wisconsin.gov/statutes/statutes/961/ii/14'
const ACT_URL = 'https://docs.legis.wisconsin.gov/2013/related/acts/351.pdf'

/** The text of one provision: its <div> without the leading cite link and "(num)". */
function provision(doc: HtmlDocument, cite: string, what: string): string {
  const link = expectOne(doc.$, `a.reference[href="/document/statutes/${cite}"]`, what)
  return text(link.parent().clone().children('a.reference, .qsnum_para').remove().end())
}

export default defineScraper({
  id: 'us-wi-statutes-961-14',
  title: 'Wis. Stat. § 961.14(7)(mk)-(mL) (Schedule I: mitragynine, 7-hydroxymitragynine), Wisconsin Legislature',
  jurisdictions: ['US-WI'],
  trust: 'primary',
  // 04:30 UTC on Mondays: the statutes are republished after each act's publication; a weekly read
  // is enough for a schedule that has not changed since 2014 (checked 2026-11).
  schedule: '30 4 * * 1',
  parserVersion: '2',
  sources: {
    statute: { kind: 'html', url: STATUTE_URL },
    // The enrolled act (PDF) carries the publication date the statute page does not show.
    act: { kind: 'pdf', url: ACT_URL },
  },
  parse({ statute, act }) {
    // 2026-11 (issue 11): on the live viewer a span.qsnum_sect sits between the cite link and the
    // heading, so the heading is a later sibling (~), not the next one (+).
    expectMatch(
      text(expectOne(statute.$, 'a.reference[href="/document/statutes/961.14"] ~ .qstitle_sect', 'section heading')),
      /^Schedule I\.$/,
      '"Schedule I." heading of 961.14',
    )
    // 2026-11: "[Repealed]" or a renamed entry must reach a human; only these exact entries are read.
    const mk = provision(statute, '961.14(7)(mk)', 'paragraph 961.14(7)(mk)')
    const mL = provision(statute, '961.14(7)(mL)', 'paragraph 961.14(7)(mL)')
    if (!/^mitragynine\.$/i.test(mk))
      throw new LayoutChangedError(`961.14(7)(mk) reads "${mk}", not "Mitragynine."; read the statute and its history.`)
    if (!/^7-hydroxymitragynine\.$/i.test(mL))
      throw new LayoutChangedError(
        `961.14(7)(mL) reads "${mL}", not "7-Hydroxymitragynine."; read the statute and its history.`,
      )
    // History notes are div.qsnote_history with data-section (live viewer, 2026-11).
    const history = text(expectOne(statute.$, 'div.qsnote_history[data-section="961.14"]', 'history note of 961.14'))
    expectMatch(history, /\b2013 a\. 351\b/, '"2013 a. 351" in the history note')

    // The act must be the one that created (7)(mk) and (mL); its effective date is the day after publication (§ 991.11).
    const body = act.text.replace(/\s+/g, ' ')
    expectMatch(body, /2013 WISCONSIN ACT 351/, 'act number on the enrolled act')
    expectMatch(
      body,
      /to create [^;]*961\.14 \(7\) \(mk\), 961\.14 \(7\) \(mL\)/,
      'creation of 961.14 (7) (mk) and (mL) in the relating clause',
    )
    expectMatch(body, /shall take effect on the day after its date of publication/, '§ 991.11 effective-date footnote')
    const published = isoDate(
      expectMatch(body, /Date of publication\*: ([A-Z][a-z]+ \d{1,2}, \d{4})/, 'date of publication')[1]!,
    )
    const next = new Date(`${published}T00:00:00Z`)
    next.setUTCDate(next.getUTCDate() + 1)
    const effective = next.toISOString().slice(0, 10)

    const common = {
      kind: 'status',
      jurisdiction: 'US-WI',
      status: 'banned',
      min_age: null,
      conditions: [],
      effective_date: effective,
      source_url: STATUTE_URL,
      confidence: 'high',
    } as const
    return [
      {
        ...common,
        subject: 'kratom',
        citation: 'Wis. Stat. § 961.14(7)(mk) (Schedule I: mitragynine; 2013 Wisconsin Act 351)',
        summary:
          'Mitragynine, the main alkaloid of kratom, is a Schedule I controlled substance in Wisconsin: possessing or selling kratom is a crime.',
        evidence: { text: `961.14(7)(mk) ${mk}`, selector: 'a.reference[href="/document/statutes/961.14(7)(mk)"]' },
      },
      {
        ...common,
        subject: '7-oh',
        citation: 'Wis. Stat. § 961.14(7)(mL) (Schedule I: 7-hydroxymitragynine; 2013 Wisconsin Act 351)',
        summary: '7-hydroxymitragynine is a Schedule I controlled substance in Wisconsin.',
        evidence: { text: `961.14(7)(mL) ${mL}`, selector: 'a.reference[href="/document/statutes/961.14(7)(mL)"]' },
      },
    ]
  },
})
