import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-ca-solana-beach-municipal-code-6-40.js'

// Facts checked by a person against a public copy of SBMC ch. 6.40 (2026): kratom may not be sold or
// distributed to persons under 21 (6.40.010, 6.40.030), a posting requirement (6.40.040), enacted by
// Ord. 537 (2024); "kratom product" includes synthetic alkaloids. The page gives no effective date.
describe('us-ca-solana-beach-municipal-code-6-40', () => {
  it('reads the city rule: regulated, 21+, Ord. 537 (2024), for kratom and 7-OH products', async () => {
    const run = await scrapeFixture(scraper, 'chapter-6-40-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(
      run.observations.map(
        (o) => o.kind === 'status' && [o.jurisdiction, o.subject, o.status, o.min_age, o.effective_date],
      ),
    ).toEqual([
      ['US-CA-SOLANA-BEACH', 'kratom', 'regulated', 21, null],
      ['US-CA-SOLANA-BEACH', '7-oh', 'regulated', 21, null],
    ])
    expect(run.observations[0]).toMatchObject({
      citation:
        'Solana Beach Municipal Code ch. 6.40 (Regulation of the Sale and Distribution of Kratom), Ord. 537 (2024)',
      conditions: ['no sale to persons under 21', 'posting of age notice required'],
    })
  })

  it('refuses to guess when the age wording changes', async () => {
    const run = await scrapeFixture(scraper, 'age-wording-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/6\.40\.030 is now titled/)
  })
})
