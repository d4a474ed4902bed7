import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realHtml } from '../../tests/helpers/real-sources.js'
import scraper, { latestEffective, sections } from './us-tx-statutes-hs-444.js'

// Facts checked by a person. The fixture is SYNTHETIC (built to the Council's page template; see
// fixtures/us-tx-statutes-hs-444/*.source.json); the facts below are those of the Texas Kratom
// Consumer Protection Act as recorded in the curated baseline (SB 497, 88th Leg., eff. 2023-09-01, 18+).
describe('us-tx-statutes-hs-444', () => {
  it('reads the Texas act: regulated, 18+, effective 2023-09-01, cited to ch. 444', async () => {
    const run = await scrapeFixture(scraper, 'chapter-444-2026-11')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({
      jurisdiction: 'US-TX',
      status: 'regulated',
      min_age: 18,
      effective_date: '2023-09-01',
      confidence: 'high',
    })
    expect(kratom?.kind === 'status' && kratom.citation).toBe(
      'Tex. Health & Safety Code ch. 444 (Texas Kratom Consumer Protection Act, SB 497, 88th Leg.)',
    )
    expect(kratom?.kind === 'status' && [...kratom.conditions].sort()).toEqual([
      '7-OH ≤ 2% of alkaloid fraction',
      'labeling required',
      'no sale under 18',
      'no synthetic alkaloids',
      'product registration',
    ])
  })

  it('reads the 7-OH limit from § 444.003(3)-(4)', async () => {
    const run = await scrapeFixture(scraper, 'chapter-444-2026-11')
    expect(run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')).toMatchObject({
      status: 'restricted',
      citation: 'Tex. Health & Safety Code § 444.003(3)-(4)',
      effective_date: '2023-09-01',
    })
  })

  it('comes out degraded, not "no law", when the layout changes', async () => {
    const run = await scrapeFixture(scraper, 'layout-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  it('fetches the chapter from tcss.legis.texas.gov and cites the public statutes URL', async () => {
    expect(scraper.sources.chapter.url).toBe('https://tcss.legis.texas.gov/resources/HS/htm/HS.444.htm')
    const run = await scrapeFixture(scraper, 'chapter-444-2026-11')
    expect(run.observations.map((o) => o.source_url)).toEqual([
      'https://statutes.capitol.texas.gov/Docs/HS/htm/HS.444.htm',
      'https://statutes.capitol.texas.gov/Docs/HS/htm/HS.444.htm',
    ])
  })
})

// REAL material: the Council's chapter page for Business & Commerce Code ch. 551, as served by
// tcss.legis.texas.gov (byte-exact; BOM, CRLF), the same template as Health & Safety Code ch. 444.
describe.skipIf(!hasRealSources)('us-tx-statutes-hs-444 on a real Council chapter page (BC.551, 2026-09)', () => {
  const page = () =>
    realHtml(
      'state-legislature/tx-statutes-BC.551-2026.htm',
      'https://tcss.legis.texas.gov/resources/BC/htm/BC.551.htm',
    )

  it('reads every section, heading, subsection and history line of the real template', async () => {
    const secs = sections(await page(), '551')
    expect(secs.map((s) => [s.number, s.heading])).toEqual([
      ['551.001', 'DEFINITIONS'],
      ['551.002', 'APPLICABILITY OF SUBTITLE'],
      ['551.003', 'CONSTRUCTION AND APPLICATION OF SUBTITLE'],
    ])
    expect(secs[0]!.paragraphs[0]).toBe('In this subtitle:')
    expect(secs[1]!.paragraphs).toEqual([
      'This subtitle applies only to a person who:',
      '(1) promotes, advertises, or conducts business in this state;',
      '(2) produces a product or service used by residents of this state; or',
      '(3) develops or deploys an artificial intelligence system in this state.',
    ])
    expect(
      secs.every(
        (s) =>
          s.history.length === 1 &&
          s.history[0]!.startsWith('Added by Acts 2025, 89th Leg., R.S., Ch. 1174 (H.B. 149)'),
      ),
    ).toBe(true)
    expect(latestEffective(secs)).toBe('2026-01-01')
  })

  it('comes out degraded (wrong chapter), never "no kratom law", when served another chapter', async () => {
    const doc = await page()
    expect(() => scraper.parse({ chapter: doc }, { today: '2026-11-30', followed: {} })).toThrow(/chapter 444 title/)
  })
})
