import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-ri-statutes-21-28-12.js'

// Facts checked by a person: § 21-28.12-3 (public copies, verbatim) caps 7-OH at 0.5 mg/g and 1 mg
// per serving, mitragynine at 150 mg per serving, and bars synthetic alkaloids; the act is P.L. 2025,
// ch. 446 and ch. 447, effective 2026-04-01; the age limit is 21 (enacted act's summary; the @age
// fixture is a RECONSTRUCTION, see the sidecar). Before 2026-04-01 the curated baseline has both
// subjects banned (schedule I), so this is the "banned → regulated" change.
describe('us-ri-statutes-21-28-12', () => {
  it('reads kratom as regulated, 21+, from 2026-04-01 under P.L. 2025 ch. 446/447', async () => {
    const run = await scrapeFixture(scraper, 'kratom-act-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({
      jurisdiction: 'US-RI',
      status: 'regulated',
      min_age: 21,
      effective_date: '2026-04-01',
      citation: 'R.I. Gen. Laws ch. 21-28.12 (Rhode Island Kratom Act, P.L. 2025, ch. 446 and P.L. 2025, ch. 447)',
    })
    expect(kratom?.kind === 'status' && kratom.conditions).toEqual(
      expect.arrayContaining([
        'no sale under 21',
        'behind the counter',
        'no vape or smokable products',
        'mitragynine ≤ 150 mg/serving',
      ]),
    )
  })

  it('reads the 7-OH limits of § 21-28.12-3(a)(10): 0.5 mg/g, 1 mg/serving, no synthetic alkaloids', async () => {
    const run = await scrapeFixture(scraper, 'kratom-act-2026-11')
    expect(run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')).toMatchObject({
      status: 'restricted',
      min_age: 21,
      effective_date: '2026-04-01',
      conditions: ['7-OH ≤ 0.5 mg/g', '7-OH ≤ 1 mg/serving', 'no synthetic alkaloids'],
    })
  })

  it('comes out degraded when the section page moved', async () => {
    const run = await scrapeFixture(scraper, 'section-moved.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
