import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './au-poisons-standard.js'

// Facts: Mitragyna speciosa and mitragynine are Schedule 9 (prohibited) in the Poisons Standard
// (NDPSC meetings 39-41, 2003-2004); instrument F2025L00049 (February 2025). Synthetic PDF fixture.
describe('au-poisons-standard', () => {
  it('reads kratom as a Schedule 9 prohibited substance from the PDF', async () => {
    const run = await scrapeFixture(scraper, 'poisons-standard-feb-2025-schedule-9')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({
      jurisdiction: 'AU',
      status: 'banned',
      confidence: 'high',
      effective_date: '2004-09-01',
    })
    expect(kratom?.kind === 'status' && kratom.citation).toBe(
      'Poisons Standard (SUSMP), Schedule 9: Mitragyna speciosa; mitragynine',
    )
    expect(kratom?.kind === 'status' && kratom.evidence?.text).toContain(
      'Therapeutic Goods (Poisons Standard—February 2025) Instrument 2025',
    )
  })

  it('marks 7-OH as covered by inference (medium confidence)', async () => {
    const run = await scrapeFixture(scraper, 'poisons-standard-feb-2025-schedule-9')
    expect(run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')).toMatchObject({
      status: 'banned',
      confidence: 'medium',
    })
  })

  it('comes out degraded when Schedule 9 is missing from the PDF', async () => {
    const run = await scrapeFixture(scraper, 'schedule-9-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
