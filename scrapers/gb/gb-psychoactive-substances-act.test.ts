import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './gb-psychoactive-substances-act.js'

// Facts: Psychoactive Substances Act 2016 (c. 2) s. 5 supply offence, in force 2016-05-26 (SI 2016/553).
describe('gb-psychoactive-substances-act', () => {
  it('reads the UK blanket supply ban as "restricted" since 2016-05-26, as an inference', async () => {
    const run = await scrapeFixture(scraper, 'section-5-2026-11')
    expect(run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')).toMatchObject({
      jurisdiction: 'GB',
      status: 'restricted',
      effective_date: '2016-05-26',
      citation: 'Psychoactive Substances Act 2016 (c. 2)',
      conditions: [],
      confidence: 'medium',
    })
  })

  it('comes out degraded when the offence text is missing', async () => {
    const run = await scrapeFixture(scraper, 'text-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
