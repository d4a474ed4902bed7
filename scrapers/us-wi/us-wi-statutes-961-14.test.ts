import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-wi-statutes-961-14.js'

// Facts checked by a person: 2013 Wisconsin Act 351 (enacted 2014-04-23, published 2014-04-24)
// created Wis. Stat. § 961.14 (7) (mk) and (mL), the Schedule I listings of mitragynine and
// 7-hydroxymitragynine; an act without its own date takes effect the day after publication
// (§ 991.11), so 2014-04-25. Fixtures are SYNTHETIC excerpts (see the sidecar).
describe('us-wi-statutes-961-14', () => {
  it('reads kratom and 7-OH as banned (Schedule I) from 2014-04-25', async () => {
    const run = await scrapeFixture(scraper, 'schedule-i-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(
      run.observations.map((o) => o.kind === 'status' && [o.subject, o.status, o.effective_date, o.citation]),
    ).toEqual([
      [
        'kratom',
        'banned',
        '2014-04-25',
        'Wis. Stat. § 961.14(7)(mk) (Schedule I: mitragynine; 2013 Wisconsin Act 351)',
      ],
      [
        '7-oh',
        'banned',
        '2014-04-25',
        'Wis. Stat. § 961.14(7)(mL) (Schedule I: 7-hydroxymitragynine; 2013 Wisconsin Act 351)',
      ],
    ])
  })

  it('comes out degraded when a listing disappears, instead of reading a repeal', async () => {
    const run = await scrapeFixture(scraper, 'listing-removed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
