import { defineScraper, expectMatch, expectOne, isoDate, statusRules, text } from '#sdk'

/** Louisiana State Legislature: bill page of SB 154 (2025 Regular Session), Act 41, which criminalizes the possession and distribution of kratom. */

const BILL_URL = 'https://legis.la.gov/legis/BillInfo.aspx?s=25RS&b=SB154'

// Current-status wordings this scraper understands (2026-11); a veto or a new stage throws.
const enacted = statusRules({ 'signed by the governor': 'banned', 'became law without signature': 'banned' })

/**
 * Reads the current-status label. 2026-11 (issue 11): on real pages the label itself holds
 * "Current Status:" and enacted bills read "Signed by the Governor. Becomes Act No. 41." (not
 * "Signed by the Governor - Act 41", which this scraper used to expect and would never have seen).
 */
export function readCurrentStatus(label: string): { status: string; act: string; line: string } {
  const line = label.replace(/^Current Status:\s*/i, '')
  const m = expectMatch(
    line,
    /^(.+?)\.\s+Becomes Act No\.\s*(\d+)\.?$/,
    '"<status>. Becomes Act No. N." current-status line',
  )
  return { status: m[1]!, act: m[2]!, line }
}

export default defineScraper({
  id: 'us-la-legislature-sb154-2025',
  title: 'Louisiana Legislature, SB 154 (2025 RS) / Act 41: kratom possession and distribution criminalized',
  jurisdictions: ['US-LA'],
  trust: 'primary',
  // 06:05 UTC on Tuesdays: an enacted bill's page changes only when the Law Institute codifies it or a
  // later act amends it; weekly is enough (checked 2026-11).
  schedule: '5 6 * * 2',
  parserVersion: '2',
  sources: {
    bill: { kind: 'html', url: BILL_URL },
  },
  parse({ bill }) {
    const { $ } = bill
    expectMatch(text(expectOne($, '#ctl00_PageBody_LabelBillID', 'bill number')), /^SB154$/, 'bill number SB154')
    expectMatch(
      text(expectOne($, '#ctl00_PageBody_LabelSession', 'session')),
      /^2025 Regular Session$/,
      '2025 Regular Session',
    )
    const status = readCurrentStatus(text(expectOne($, '#ctl00_PageBody_LabelCurrentStatus', 'current status')))
    const banned = enacted(status.status)
    // The digest ends with the effective date in parentheses, Louisiana style: "(8/1/25)".
    const digest = text(expectOne($, '#ctl00_PageBody_LabelShortTitle', 'digest line'))
    const m = expectMatch(
      digest,
      /^(.*Criminalizes the possession or distribution of kratom\.) \((\d{1,2}\/\d{1,2}\/\d{2})\)$/,
      'digest "Criminalizes the possession or distribution of kratom. (M/D/YY)"',
    )
    const effective = isoDate(m[2]!)
    return [
      {
        kind: 'status',
        jurisdiction: 'US-LA',
        subject: 'kratom',
        status: banned,
        min_age: null,
        conditions: [],
        citation: `La. Acts 2025, No. ${status.act} (SB 154), criminalizing possession and distribution of kratom`,
        effective_date: effective,
        summary: 'Possessing, making or distributing kratom is a crime in Louisiana.',
        source_url: BILL_URL,
        confidence: 'high',
        evidence: { text: `${digest} Current Status: ${status.line}`, selector: '#ctl00_PageBody_LabelShortTitle' },
      },
    ]
  },
})
