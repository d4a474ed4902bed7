import { defineScraper, expectMatch, expectOne, expectRows, isoDate, text } from '#sdk'

/** Utah State Legislature (le.utah.gov/xcode): Utah Code § 4-45-104, kratom processor and retailer requirements (pure leaf kratom only). */

const SECTION_URL = 'https://le.utah.gov/xcode/Title4/Chapter45/4-45-S104.html'

export default defineScraper({
  id: 'us-ut-code-4-45-104',
  title: 'Utah Code § 4-45-104 (kratom processor and retailer requirements), Utah State Legislature',
  jurisdictions: ['US-UT'],
  trust: 'primary',
  // 05:55 UTC daily: new versions of a section appear on their effective date (the 2026 session's
  // took effect 2026-05-06); § 4-45-104(5) has a sunset on 2027-03-06 to watch (checked 2026-11).
  schedule: '55 5 * * *',
  parserVersion: '1',
  sources: {
    // The xcode page is a shell: the section text is inserted by JavaScript from a version file
    // (seen 2026-11), so a static fetch sees only "Loading...".
    section: { kind: 'browser', url: SECTION_URL, waitFor: '#secdiv #sec' },
  },
  parse({ section }) {
    const { $ } = section
    const heading = text(expectOne($, '#sec .secHead', 'section heading'))
    expectMatch(heading, /^4-45-104\. Kratom processor and kratom retailer requirements/, '§ 4-45-104 heading')
    const effective = isoDate(
      expectMatch(
        text(expectOne($, '#sec .effdate', 'effective-date line')),
        /^Effective (\d{1,2}\/\d{1,2}\/\d{4})$/,
        '"Effective M/D/YYYY" line',
      )[1]!,
    )
    const paragraphs = expectRows($, '#sec p', 'section paragraphs').map((p) => text(p))
    const body = paragraphs.join('\n')
    // The 2026 rule: only "pure leaf kratom" may be prepared, possessed or sold; 7-OH products are not pure leaf.
    const rule = expectMatch(
      body,
      /^\(1\) A kratom processor or kratom retailer may not prepare, possess, distribute, sell, or offer for sale a kratom product that:\n\(a\) is not pure leaf kratom; and/m,
      'pure-leaf rule of § 4-45-104(1)(a)',
    )
    const penalty = expectMatch(
      body,
      /a third degree felony for any subsequent violation/,
      'criminal penalty of § 4-45-104(2)',
    )
    const sunset =
      /until ([A-Z][a-z]+ \d{1,2}, \d{4}), a kratom processor may prepare, possess, distribute, sell, or offer for sale a kratom product that is not a pure leaf kratom product if the kratom product:\n\(a\) is not offered for retail sale or distribution in this state/.exec(
        body,
      )
    const conditions = [
      'only pure leaf kratom products may be prepared, possessed or sold',
      'violations are misdemeanors, then a felony',
    ]
    if (sunset)
      conditions.push(
        `until ${isoDate(sunset[1]!)}, processors may make other products not offered for sale in Utah (§ 4-45-104(5))`,
      )
    return [
      {
        kind: 'status',
        jurisdiction: 'US-UT',
        subject: '7-oh',
        status: 'banned',
        min_age: null,
        conditions,
        citation: 'Utah Code § 4-45-104(1)-(2)',
        effective_date: effective,
        summary:
          'Since 2026 only pure leaf kratom may be prepared, possessed or sold in Utah by processors and retailers; concentrated or semi-synthetic 7-OH products are prohibited, with criminal penalties.',
        source_url: SECTION_URL,
        confidence: 'high',
        evidence: { text: `${rule[0]} … ${penalty[0]}`, selector: '#sec p' },
      },
    ]
  },
})
