import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './dk-euforiserende-stoffer.js'

// Facts checked against the ministry's release of 11-03-2009 (real text, synthetic markup) and the
// UNODC entry naming BEK nr 174 af 10/03/2009: kratom, mitragynine and 7-OH medical/scientific use only.
describe('dk-euforiserende-stoffer', () => {
  it('reads the 2009 Danish ban of kratom and 7-OH', async () => {
    const run = await scrapeFixture(scraper, 'release-2009-03-11')
    for (const subject of ['kratom', '7-oh']) {
      expect(run.observations.find((o) => o.kind === 'status' && o.subject === subject)).toMatchObject({
        jurisdiction: 'DK',
        status: 'banned',
        effective_date: '2009-03-11',
        citation:
          'Bekendtgørelse om euforiserende stoffer, list B, as amended by BEK nr 174 af 10/03/2009 (kratom, mitragynine, 7-hydroxymitragynine)',
        confidence: 'high',
      })
    }
  })

  it('comes out degraded when the release text is gone', async () => {
    const run = await scrapeFixture(scraper, 'text-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
