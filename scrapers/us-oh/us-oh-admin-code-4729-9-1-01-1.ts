import { defineScraper, expectMatch, expectOne, expectRows, isoDate, text } from '#sdk'

/** Ohio Laws (codes.ohio.gov): Ohio Adm. Code 4729:9-1-01.1, the Board of Pharmacy rule placing mitragynine-related compounds (7-OH) in schedule I. */

const RULE_URL = 'https://codes.ohio.gov/ohio-administrative-code/rule-4729:9-1-01.1'

export default defineScraper({
  id: 'us-oh-admin-code-4729-9-1-01-1',
  title: 'Ohio Adm. Code 4729:9-1-01.1 (mitragynine-related compounds, schedule I), Ohio Laws',
  jurisdictions: ['US-OH'],
  trust: 'primary',
  // 05:10 UTC daily: the site publishes rules on their effective dates, overnight Eastern time, and
  // emergency rules lapse after 120 days unless refiled, so daily matters here (checked 2026-11).
  schedule: '10 5 * * *',
  parserVersion: '1',
  sources: {
    rule: { kind: 'html', url: RULE_URL },
  },
  parse({ rule }) {
    const { $ } = rule
    expectMatch(
      text(expectOne($, 'h1', 'rule heading')),
      /^Rule 4729:9-1-01\.1 \| Mitragynine-related compounds\.$/,
      'rule 4729:9-1-01.1 heading',
    )
    const paragraphs = expectRows($, 'main p', 'rule paragraphs').map((p) => text(p))
    const body = paragraphs.join('\n')
    // Each sentence the status rests on must still be there; a missing one is for a human to read.
    expectMatch(body, /^The following are classified as schedule I controlled substances:$/m, 'schedule I sentence')
    const listing = expectMatch(
      body,
      /^Mitragynine-related compounds include, but are not limited to, the following: ([^.]+)\./m,
      'list of mitragynine-related compounds',
    )
    expectMatch(listing[1]!, /(^|; )7-hydroxymitragynine(;|$)/, '7-hydroxymitragynine in the list')
    // (A)(4) excludes mitragynine itself: the leaf's main alkaloid (and so plain kratom) is not scheduled by this rule.
    const leafExcluded = /^\(4\) Mitragynine\.$/m.test(body)
    const emergency = paragraphs.some((p) => /An Emergency Filing is currently in effect for this rule/.test(p))
    // 2026-11: the effective date is the "Effective:" entry of the supplemental information.
    const effective = $('dt')
      .filter((_, el) => text($(el)) === 'Effective:')
      .first()
      .next('dd')
    const effectiveDate = isoDate(
      expectMatch(text(effective), /\d{1,2}\/\d{1,2}\/\d{4}/, '"Effective:" date in the supplemental information')[0],
    )
    const compounds = listing[1]!
      .replace(/;? and /, '; ')
      .split(/; /)
      .map((c) => c.trim())
    return [
      {
        kind: 'status',
        jurisdiction: 'US-OH',
        subject: '7-oh',
        status: 'banned',
        min_age: null,
        conditions: [
          `schedule I: ${compounds.join(', ')}`,
          ...(emergency ? ['emergency rule'] : []),
          ...(leafExcluded ? ['mitragynine (kratom leaf) excluded'] : []),
        ],
        citation: `Ohio Adm. Code 4729:9-1-01.1${emergency ? ' (emergency filing)' : ''}`,
        effective_date: effectiveDate,
        summary: `Ohio lists 7-hydroxymitragynine and other mitragynine-related compounds in schedule I${leafExcluded ? '; mitragynine itself, and so plain kratom leaf, is excluded' : ''}.`,
        source_url: RULE_URL,
        confidence: 'high',
        evidence: { text: listing[0], selector: 'main p' },
      },
    ]
  },
})
