import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper, { effectOf, measureFromBill, stageOf } from './us-legiscan.js'

// Facts checked by a person: Louisiana SB 154 (2025 RS), "Criminalizes the possession or
// distribution of kratom. (8/1/25)", passed both chambers, delivered to the Governor 2025-05-29.
describe('us-legiscan', () => {
  it('reads Louisiana SB154 (2025) as passed by the legislature, proposing a kratom ban', async () => {
    const run = await scrapeFixture(scraper, 'search-la-sb154-2025-05-29')
    expect(run.outcome).toBe('changed')
    expect(run.observations).toHaveLength(1)
    expect(run.observations[0]).toMatchObject({ kind: 'measure', id: 'US-LA/2025/SB154', jurisdiction: 'US-LA', stage: 'passed_legislature', last_action_date: '2025-05-29', proposed_effect: { subject: 'kratom', status: 'banned' } })
  })

  it('comes out degraded on an error envelope (bad key), not "no bills"', async () => {
    const run = await scrapeFixture(scraper, 'invalid-key.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  it.each([
    ['Signed by the Governor. Becomes Act No. 41.', 'enacted'],
    ['Vetoed by the Governor.', 'vetoed'],
    ['Sent to the Governor by the Secretary of the Senate.', 'passed_legislature'],
    ['Read third time and passed', 'passed_chamber'],
    ['REFERRED TO HEALTH & SOCIAL SERVICES', 'introduced'],
  ])('maps last action %j to %s', (action, stage) => expect(stageOf(action)).toBe(stage))

  it('refuses an unseen last-action wording instead of guessing a stage', () => {
    expect(() => stageOf('Zapped by the moon')).toThrow(/unknown last-action wording/)
  })

  it('states a proposed effect only where the title is plain', () => {
    expect(effectOf('Kratom Consumer Protection Act')).toEqual({ subject: 'kratom', status: 'regulated' })
    expect(effectOf('Adds 7-hydroxymitragynine to Schedule I')).toEqual({ subject: '7-oh', status: 'banned' })
    expect(effectOf('Provides relative to kratom')).toBeNull()
  })

  it('reads a real getBill payload (AK HB1, 2011) for the getSearchRaw + getBill flow', () => {
    const { bill } = JSON.parse(readFileSync(new URL('../../fixtures/us-legiscan/getbill/bill-AK-2011-HB1.json', import.meta.url), 'utf8'))
    expect(measureFromBill(bill)).toMatchObject({ id: 'US-AK/2011/HB1', stage: 'passed_chamber', last_action: 'REFERRED TO HEALTH & SOCIAL SERVICES', last_action_date: '2011-04-12', proposed_effect: null })
  })
})
