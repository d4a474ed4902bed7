import { defineScraper, expectMatch, expectOne, isoDate, statusRules, text, UnknownValueError } from '#sdk'

/** Town of Castle Rock, Colorado (Legistar): the ordinance adding Municipal Code ch. 9.24, Sale of Kratom to Minors Prohibited (2019). */

const ITEM_URL =
  'https://castlerock-co.legistar.com/LegislationDetail.aspx?GUID=47BCDD5C-F3E4-4559-A1B7-50E964FF34AE&ID=3968371'
const TOWN = 'US-CO-CASTLE-ROCK'
const AGES: Record<string, number> = { eighteen: 18, nineteen: 19, twenty: 20, 'twenty-one': 21 }

// Legistar item statuses seen (2026-11). Only an adopted ordinance is law; any other status throws.
const adopted = statusRules({ passed: 'regulated' })

export default defineScraper({
  id: 'us-co-castle-rock-ordinance-9-24',
  title: 'Castle Rock (CO) ordinance adding Municipal Code ch. 9.24, Sale of Kratom to Minors Prohibited, Legistar',
  jurisdictions: [TOWN],
  trust: 'primary',
  // 08:20 UTC on the 1st of each month: a 2019 ordinance; the read confirms it and notices a
  // repeal or amendment item linked from the same record (checked 2026-11).
  schedule: '20 8 1 * *',
  parserVersion: '1',
  sources: {
    item: { kind: 'html', url: ITEM_URL },
  },
  parse({ item }) {
    const { $ } = item
    const field = (id: string, what: string) => text(expectOne($, `#ctl00_ContentPlaceHolder1_${id}`, what))
    expectMatch(field('lblType2', 'item type'), /^Ordinance$/, 'item type "Ordinance"')
    const title = field('lblTitle2', 'item title')
    expectMatch(title, /New Chapter 9\.24 Entitled Sale of Kratom to Minors Prohibited/, 'chapter 9.24 in the title')
    const status = adopted(field('lblStatus2', 'item status'))
    const finalAction = isoDate(field('lblPassed2', 'final action date'))
    const body = text(expectOne($, '#ctl00_ContentPlaceHolder1_divText', 'item text'))
    const age = expectMatch(
      body,
      /prohibiting the sale of kratom to persons under the age of ([a-z-]+) \((\d+)\)/,
      'age sentence of the summary',
    )
    const minAge = Number(age[2])
    if (AGES[age[1]!] !== minAge)
      throw new UnknownValueError(
        `the summary says "${age[1]} (${minAge})": words and figure disagree; read the ordinance.`,
      )
    const fine = /fine not to exceed \$(\d+) per violation/.exec(body)?.[1]
    return [
      {
        kind: 'status',
        jurisdiction: TOWN,
        subject: 'kratom',
        status,
        min_age: minAge,
        conditions: [`no sale to persons under ${minAge}`],
        citation: 'Castle Rock Municipal Code tit. 9, ch. 9.24 (Sale of Kratom to Minors Prohibited)',
        // Legistar gives the adoption ("final action") date, not the date the ordinance took effect.
        effective_date: null,
        summary: `Kratom may not be sold to anyone under ${minAge} in Castle Rock${fine ? ` (fine up to $${fine} per violation)` : ''}; ordinance adopted ${finalAction}.`,
        source_url: ITEM_URL,
        confidence: 'high',
        evidence: { text: age[0], selector: '#ctl00_ContentPlaceHolder1_divText' },
      },
    ]
  },
})
