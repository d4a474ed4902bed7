import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-sc-legislature-s221.js'

// Facts checked by a person against the bill page of S. 221 (public copy, 2025-2026 session) and
// the enacted § 44-53-2020: Act No. 35 (ratification R53), signed 2025-05-12, effective on signing,
// no sale under twenty-one, no fully synthetic 7-OH. The fixture is SYNTHETIC (see its sidecar).
describe('us-sc-legislature-s221', () => {
  it('reads the act: regulated, 21+, effective on signing 2025-05-12, Act No. 35', async () => {
    const run = await scrapeFixture(scraper, 'bill-221-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({ jurisdiction: 'US-SC', status: 'regulated', min_age: 21, effective_date: '2025-05-12', confidence: 'high' })
    expect(kratom?.kind === 'status' && kratom.citation).toBe('S.C. Code §§ 44-53-2010 to -2040 (South Carolina Kratom Consumer Protection Act, S. 221, Act No. 35 of 2025)')
    expect(kratom?.kind === 'status' && kratom.conditions).toEqual(['no sale under 21', 'kept inaccessible to under-21s', 'labeling required', 'no fully synthetic alkaloids', 'residual solvents within USP 467'])
  })

  it('reads the 7-OH rule from § 44-53-2020(A)(2)(c): fully synthetic only, no percentage cap', async () => {
    const run = await scrapeFixture(scraper, 'bill-221-2026-11')
    const sevenOh = run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')
    expect(sevenOh).toMatchObject({ status: 'restricted', min_age: 21, citation: 'S.C. Code § 44-53-2020(A)(2)(c) (S. 221, Act No. 35 of 2025)', conditions: ['no fully synthetic 7-OH'] })
  })

  it('comes out degraded, not "no law", when the act text is missing from the page', async () => {
    const run = await scrapeFixture(scraper, 'text-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.db.stores.db.prepare('SELECT COUNT(*) FROM status_records').pluck().get()).toBe(0)
  })
})
