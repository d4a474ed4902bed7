import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-tx-statutes-hs-444.js'

// Facts checked by a person. The fixture is SYNTHETIC (built to the Council's page template; see
// fixtures/us-tx-statutes-hs-444/*.source.json); the facts below are those of the Texas Kratom
// Consumer Protection Act as recorded in the curated baseline (SB 497, 88th Leg., eff. 2023-09-01, 18+).
describe('us-tx-statutes-hs-444', () => {
  it('reads the Texas act: regulated, 18+, effective 2023-09-01, cited to ch. 444', async () => {
    const run = await scrapeFixture(scraper, 'chapter-444-2026-11')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({ jurisdiction: 'US-TX', status: 'regulated', min_age: 18, effective_date: '2023-09-01', confidence: 'high' })
    expect(kratom?.kind === 'status' && kratom.citation).toBe('Tex. Health & Safety Code ch. 444 (Texas Kratom Consumer Protection Act, SB 497, 88th Leg.)')
    expect(kratom?.kind === 'status' && [...kratom.conditions].sort()).toEqual(['7-OH ≤ 2% of alkaloid fraction', 'labeling required', 'no sale under 18', 'no synthetic alkaloids', 'product registration'])
  })

  it('reads the 7-OH limit from § 444.003(3)-(4)', async () => {
    const run = await scrapeFixture(scraper, 'chapter-444-2026-11')
    expect(run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')).toMatchObject({ status: 'restricted', citation: 'Tex. Health & Safety Code § 444.003(3)-(4)', effective_date: '2023-09-01' })
  })

  it('comes out degraded, not "no law", when the layout changes', async () => {
    const run = await scrapeFixture(scraper, 'layout-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
