import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realJson } from '../../tests/helpers/real-sources.js'
import scraper, { observationsOf, readSearch, type FrDocument } from './us-federal-register.js'

// Facts checked by a person against thefederalregister.org/81-FR/59929 and /81-FR/70652 and the
// regulations.gov recordings (see fixtures/us-federal-register/*.source.json).
describe('us-federal-register', () => {
  it('reads the 2016 DEA notice of intent as a proposed rule to ban kratom', async () => {
    const run = await scrapeFixture(scraper, 'dea-2016-noi-and-withdrawal')
    expect(run.outcome).toBe('changed')
    const noi = run.observations.find((o) => o.kind === 'measure' && o.id === 'US/FR/2016-20803')
    expect(noi).toMatchObject({
      jurisdiction: 'US',
      stage: 'proposed_rule',
      last_action_date: '2016-08-31',
      effective_date: null,
      proposed_effect: { subject: 'kratom', status: 'banned' },
    })
    expect(noi?.kind === 'measure' && noi.last_action).toBe('Notice of intent, published at 81 FR 59929')
  })

  it('reads its withdrawal (81 FR 70652, comments until 2016-12-01) as withdrawn, with no effect', async () => {
    const run = await scrapeFixture(scraper, 'dea-2016-noi-and-withdrawal')
    expect(run.observations.find((o) => o.kind === 'measure' && o.id === 'US/FR/2016-24659')).toMatchObject({
      stage: 'withdrawn',
      last_action_date: '2016-10-13',
      proposed_effect: null,
    })
  })

  it('records no federal status from notices of intent and withdrawals', async () => {
    const run = await scrapeFixture(scraper, 'dea-2016-noi-and-withdrawal')
    expect(run.observations.filter((o) => o.kind === 'status')).toEqual([])
    expect(run.events.some((e) => e.type === 'measure.introduced')).toBe(true)
  })

  it('comes out degraded, not "no federal action", when the search returns nothing', async () => {
    const run = await scrapeFixture(scraper, 'zero-results.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  // HYPOTHETICAL document (not a real FR document; no fixture, not data): checks the rule that a
  // temporary scheduling order naming only 7-OH schedules 7-OH, not the leaf, from its effective date.
  it('turns a scheduling order for 7-OH alone into a future-dated 7-OH status, not a leaf ban', () => {
    const order: FrDocument = {
      document_number: '0000-00000',
      title: 'Schedules of Controlled Substances: Temporary Placement of 7-Hydroxymitragynine in Schedule I',
      type: 'Rule',
      action: 'Temporary amendment; temporary scheduling order.',
      abstract: 'HYPOTHETICAL abstract for a unit test.',
      publication_date: '2030-01-02',
      effective_on: '2030-02-01',
      docket_ids: [],
      citation: null,
      html_url: 'https://www.federalregister.gov/d/0000-00000',
      comments_close_on: null,
    }
    const out = observationsOf(order)
    expect(out.find((o) => o.kind === 'measure')).toMatchObject({
      stage: 'final_rule',
      proposed_effect: { subject: '7-oh', status: 'banned' },
      effective_date: '2030-02-01',
    })
    const statuses = out.filter((o) => o.kind === 'status')
    expect(statuses).toHaveLength(1)
    expect(statuses[0]).toMatchObject({
      subject: '7-oh',
      status: 'banned',
      effective_date: '2030-02-01',
      conditions: ['temporary scheduling order (21 U.S.C. 811(h))'],
    })
  })

  // The title of a real 2026 DEA order (no recording of its JSON exists; the other fields are made up).
  it('records a measure, but no 7-OH or kratom status, for an order naming mitragynine pseudoindoxyl, MGM-15 and MGM-16', () => {
    const order: FrDocument = {
      document_number: '0000-00001',
      title:
        'Schedules of Controlled Substances: Temporary Placement of Mitragynine Pseudoindoxyl, MGM-15, and MGM-16 in Schedule I',
      type: 'Rule',
      action: 'Temporary amendment; temporary scheduling order.',
      abstract: null,
      publication_date: '2030-01-02',
      effective_on: '2030-02-01',
      docket_ids: [],
      citation: null,
      html_url: 'https://www.federalregister.gov/d/0000-00001',
      comments_close_on: null,
    }
    const out = observationsOf(order)
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ kind: 'measure', stage: 'final_rule', proposed_effect: null })
  })

  it('searches with "|" between terms (OR in the FR full-text search)', () => {
    const term = new URL(scraper.sources.search.url).searchParams.get('conditions[term]')
    expect(term).toBe('kratom | mitragynine | "7-hydroxymitragynine" | "mitragynine pseudoindoxyl"')
  })
})

// REAL material: FR API answers of the same endpoints for other documents.
describe.skipIf(!hasRealSources)('us-federal-register on real FR API answers', () => {
  it('reads the {count, results[]} envelope and every field it needs from a real all-fields answer (2020-17469, 2020-17393)', () => {
    const docs = readSearch(realJson('federal-register/api-v1-documents-2020-17469_2020-17393-allfields.json'))
    expect(docs.map((d) => [d.document_number, d.type, d.publication_date])).toEqual([
      ['2020-17393', 'Rule', '2020-08-11'],
      ['2020-17469', 'Rule', '2020-08-11'],
    ])
    expect(docs[0]!.html_url).toMatch(/^https:\/\/www\.federalregister\.gov\/documents\/2020\/08\/11\/2020-17393\//)
    // Neither names kratom or its alkaloids: measures at most, never a status.
    expect(docs.flatMap(observationsOf).filter((o) => o.kind === 'status')).toEqual([])
  })

  it('comes out degraded (fields[] not honoured), never empty, on a real search page without the fields it asks for', () => {
    expect(() => readSearch(realJson('federal-register/fr-api-documents-search-2016-02-29-fields.json'))).toThrow(
      /field "type" is undefined/,
    )
  })

  it('comes out degraded on the real 404 answer', () => {
    expect(() => readSearch(realJson('federal-register/fr-api-document-404-not-found.json'))).toThrow(
      /expected \{count, results\[\]\}/,
    )
  })
})
