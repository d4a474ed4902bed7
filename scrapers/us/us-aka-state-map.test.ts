import { expect, it } from 'vitest'
import { describeWithBrowser } from '../../tests/helpers/chromium.js'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-aka-state-map.js'

// The fixture is SYNTHETIC (see fixtures/us-aka-state-map/*.source.json). What is checked: the
// list exists only after JavaScript ran (a browser source), and labels map as a person reviewed them.
describeWithBrowser('us-aka-state-map', () => {
  it('reads the rendered state list: Alabama banned, Texas regulated 18+', async () => {
    const run = await scrapeFixture(scraper, 'state-list-2026-11')
    expect(run.outcome).not.toBe('degraded')
    expect(run.observations.find((o) => o.jurisdiction === 'US-AL')).toMatchObject({ status: 'banned', min_age: null })
    expect(run.observations.find((o) => o.jurisdiction === 'US-TX')).toMatchObject({
      status: 'regulated',
      min_age: 18,
      confidence: 'medium',
    })
  })

  it('refuses an unseen label instead of guessing', async () => {
    const run = await scrapeFixture(scraper, 'unknown-label.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/unknown status label "Under Review"/)
  })
})
