import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-co-castle-rock-ordinance-9-24.js'

// Facts checked by a person against the Legistar item text (public copy): chapter 9.24 prohibits the
// sale of kratom to persons under eighteen (18), fine up to $300; adopted on second reading
// 2019-06-04 (press reports; the details table of the fixture is reconstructed, see the sidecar).
describe('us-co-castle-rock-ordinance-9-24', () => {
  it('reads the town rule: regulated, 18+, ch. 9.24', async () => {
    const run = await scrapeFixture(scraper, 'ordinance-2019-06')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.observations).toEqual([
      expect.objectContaining({
        jurisdiction: 'US-CO-CASTLE-ROCK',
        subject: 'kratom',
        status: 'regulated',
        min_age: 18,
        conditions: ['no sale to persons under 18'],
        citation: 'Castle Rock Municipal Code tit. 9, ch. 9.24 (Sale of Kratom to Minors Prohibited)',
        effective_date: null,
      }),
    ])
    expect(run.observations[0]?.kind === 'status' && run.observations[0].summary).toContain('adopted 2019-06-04')
  })

  it('comes out degraded on an unseen item status', async () => {
    const run = await scrapeFixture(scraper, 'status-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/unknown status label "Tabled"/)
  })
})
