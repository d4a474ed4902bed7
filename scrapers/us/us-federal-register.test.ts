import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper, { observationsOf, type FrDocument } from './us-federal-register.js'

// Facts checked by a person against thefederalregister.org/81-FR/59929 and /81-FR/70652 and the
// regulations.gov recordings (see fixtures/us-federal-register/*.source.json).
describe('us-federal-register', () => {
  it('reads the 2016 DEA notice of intent as a proposed rule to ban kratom', async () => {
    const run = await scrapeFixture(scraper, 'dea-2016-noi-and-withdrawal')
    expect(run.outcome).toBe('changed')
    const noi = run.observations.find((o) => o.kind === 'measure' && o.id === 'US/FR/2016-20803')
    expect(noi).toMatchObject({ jurisdiction: 'US', stage: 'proposed_rule', last_action_date: '2016-08-31', effective_date: null, proposed_effect: { subject: 'kratom', status: 'banned' } })
    expect(noi?.kind === 'measure' && noi.last_action).toBe('Notice of intent, published at 81 FR 59929')
  })

  it('reads its withdrawal (81 FR 70652, comments until 2016-12-01) as withdrawn, with no effect', async () => {
    const run = await scrapeFixture(scraper, 'dea-2016-noi-and-withdrawal')
    expect(run.observations.find((o) => o.kind === 'measure' && o.id === 'US/FR/2016-24659')).toMatchObject({ stage: 'withdrawn', last_action_date: '2016-10-13', proposed_effect: null })
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
    expect(out.find((o) => o.kind === 'measure')).toMatchObject({ stage: 'final_rule', proposed_effect: { subject: '7-oh', status: 'banned' }, effective_date: '2030-02-01' })
    const statuses = out.filter((o) => o.kind === 'status')
    expect(statuses).toHaveLength(1)
    expect(statuses[0]).toMatchObject({ subject: '7-oh', status: 'banned', effective_date: '2030-02-01', conditions: ['temporary scheduling order (21 U.S.C. 811(h))'] })
  })
})
