import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realJson } from '../../tests/helpers/real-sources.js'
import scraper, { measureOf, readInspection, type PiDocument } from './us-federal-register-public-inspection.js'

// Facts checked by a person: DEA's notice of intent to place mitragynine and 7-hydroxymitragynine in
// Schedule I is FR Doc. 2016-20803, a Proposed Rule published 2016-08-31 (81 FR 59929), so on public
// inspection on 2016-08-30. The fixture is SYNTHETIC in the real answer's shape (see its sidecar).
describe('us-federal-register-public-inspection', () => {
  it('records a DEA kratom document on inspection as a measure under the id the Federal Register scraper uses', async () => {
    const run = await scrapeFixture(scraper, 'dea-2016-notice-of-intent')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.observations).toEqual([
      expect.objectContaining({
        kind: 'measure',
        id: 'US/FR/2016-20803',
        jurisdiction: 'US',
        stage: 'proposed_rule',
        last_action_date: '2016-08-30',
        last_action: 'On public inspection since 2016-08-30; to be published 2016-08-31',
        proposed_effect: { subject: 'kratom', status: 'banned' },
      }),
    ])
    expect(run.events.map((e) => e.type)).toEqual(['measure.introduced'])
  })

  it('is an unchanged run with no observations when nothing is on inspection', async () => {
    const run = await scrapeFixture(scraper, 'nothing-on-inspection')
    expect(run).toMatchObject({ outcome: 'unchanged', observations: [] })
  })

  it('comes out degraded, not "nothing on inspection", when the agencies list is gone', async () => {
    const run = await scrapeFixture(scraper, 'agencies-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/agencies is undefined/)
  })

  const doc = (title: string, extra: Partial<PiDocument> = {}): PiDocument => ({
    document_number: '0000-00002',
    title,
    type: 'Rule',
    agencies: ['drug-enforcement-administration'],
    filing_type: 'special',
    filed_at: '2030-01-01T08:45:00.000-05:00',
    publication_date: '2030-01-02',
    editorial_note: null,
    html_url: 'https://www.federalregister.gov/public-inspection/0000-00002/x',
    ...extra,
  })

  it('records only what a document names: 7-OH as 7-OH, a pseudoindoxyl / MGM-15 order with no effect, other agencies not at all', () => {
    expect(
      measureOf(doc('Schedules of Controlled Substances: Temporary Placement of 7-Hydroxymitragynine in Schedule I')),
    ).toMatchObject({ stage: 'final_rule', proposed_effect: { subject: '7-oh', status: 'banned' } })
    expect(
      measureOf(
        doc(
          'Schedules of Controlled Substances: Temporary Placement of Mitragynine Pseudoindoxyl, MGM-15, and MGM-16 in Schedule I',
        ),
      ),
    ).toMatchObject({ stage: 'final_rule', proposed_effect: null })
    expect(
      measureOf(
        doc('Schedules of Controlled Substances: Placement of Kratom in Schedule I', {
          agencies: ['animal-and-plant-health-inspection-service'],
        }),
      ),
    ).toBeNull()
    expect(measureOf(doc('Importer of Controlled Substances Application: X'))).toBeNull()
    expect(
      measureOf(
        doc('Temporary Placement of Mitragynine in Schedule I', {
          editorial_note: 'DEA requested the withdrawal of this document after it was on public inspection.',
          publication_date: null,
        }),
      ),
    ).toMatchObject({ stage: 'withdrawn', proposed_effect: null })
    expect(() => measureOf(doc('Kratom', { type: 'Sunshine Act Document' }))).toThrow(
      /unknown type "Sunshine Act Document"/,
    )
  })
})

// REAL material: the public-inspection list of 2020-08-10 (109 documents, 8 of them DEA's) and a
// special filing withdrawn after it went on inspection (2017-00854).
describe.skipIf(!hasRealSources)('us-federal-register-public-inspection on real answers', () => {
  it('reads all 109 documents of a real day, finds the 8 DEA ones, and records none (none names kratom)', () => {
    const docs = readInspection(
      realJson('federal-register/api-v1-public-inspection-documents-available_on-2020-08-10.json'),
    )
    expect(docs).toHaveLength(109)
    const dea = docs.filter((d) => d.agencies.includes('drug-enforcement-administration'))
    expect(dea.map((d) => d.document_number)).toEqual([
      '2020-17432',
      '2020-17433',
      '2020-17434',
      '2020-17435',
      '2020-17436',
      '2020-17437',
      '2020-17438',
      '2020-17448',
    ])
    expect(
      dea.every(
        (d) =>
          d.type === 'Notice' && d.publication_date === '2020-08-11' && d.filed_at === '2020-08-10T08:45:00.000-04:00',
      ),
    ).toBe(true)
    expect(docs.flatMap((d) => measureOf(d) ?? [])).toEqual([])
  })

  it('reads a real withdrawn special filing (null publication date and filed_at, editorial note) as withdrawn when it names kratom', () => {
    const one = realJson('federal-register/fr-api-public-inspection-document-2017-00854-special-withdrawn.json')
    const [doc] = readInspection({ count: 1, results: [one] })
    expect(doc).toMatchObject({
      document_number: '2017-00854',
      filing_type: 'special',
      publication_date: null,
      agencies: ['animal-and-plant-health-inspection-service'],
    })
    // APHIS, not DEA/FDA: nothing recorded. The same filing from the DEA, naming kratom, is a withdrawn measure.
    expect(measureOf(doc!)).toBeNull()
    expect(
      measureOf({
        ...doc!,
        agencies: ['drug-enforcement-administration'],
        title: 'Schedules of Controlled Substances: Placement of Kratom in Schedule I',
      }),
    ).toMatchObject({ stage: 'withdrawn', last_action_date: null })
  })
})
