import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper, { listings } from './us-ecfr-1308.js'

// Facts: on 2024-05-17 neither mitragynine nor 7-hydroxymitragynine was in 21 CFR 1308.11 (the 2016
// notice of intent was withdrawn, FR Doc. 2016-24659). The fixture is an abridged synthetic slice.
describe('us-ecfr-1308', () => {
  it('finds no kratom listing in Schedule I as of 2024-05-17 and claims nothing from the absence', async () => {
    const run = await scrapeFixture(scraper, 'section-1308.11-2024-05-17')
    expect(run.outcome).toBe('unchanged')
    expect(run.observations).toEqual([])
  })

  it('comes out degraded when the answer is another section', async () => {
    const run = await scrapeFixture(scraper, 'layout-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  // HYPOTHETICAL (h) entry, not CFR text: checks that a temporary listing of 7-OH alone bans 7-OH only.
  it('reads a temporary (h) listing of 7-hydroxymitragynine as a 7-OH ban, not a leaf ban', () => {
    const xml = `<DIV8 N="1308.11" TYPE="SECTION"><HEAD>&#xA7; 1308.11 Schedule I.</HEAD>
<P>(b) <I>Opiates.</I> Unless specifically excepted:</P><P>(1) Acetylmethadol 9601</P>
<P>(h) <I>Temporary listing of substances subject to emergency scheduling.</I> Any material:</P>
<P>(99) 7-hydroxymitragynine (HYPOTHETICAL test entry)</P></DIV8>`
    const out = listings(xml)
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ subject: '7-oh', status: 'banned', citation: '21 CFR 1308.11(h)(99)', conditions: ['temporary listing (21 CFR 1308.11(h))'] })
  })
})
