import { describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { testDb } from '../../tests/helpers/db.js'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './wikipedia-kratom-legality.js'

// Facts: what the article's Regulation section says (real sentences; reconstructed wikitext).
describe('wikipedia-kratom-legality', () => {
  it('reads the country statements of the Regulation section', async () => {
    const run = await scrapeFixture(scraper, 'regulation-2025')
    const by = (j: string) => run.observations.find((o) => o.kind === 'status' && o.jurisdiction === j)
    expect(by('AU')).toMatchObject({ status: 'banned', confidence: 'low' })
    expect(by('DK')).toMatchObject({ status: 'banned' })
    expect(by('GB')).toMatchObject({ status: 'restricted' })
    expect(by('TH')).toMatchObject({ status: 'legal' })
    expect(by('CZ')).toMatchObject({ status: 'regulated' })
    expect(run.observations).toHaveLength(19)
  })

  it('never writes the timeline: against the curated baseline its statements go to the review queue', async () => {
    const run = await scrapeFixture(scraper, 'regulation-2025')
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, () => t.clock())
    const before = t.stores.db.prepare('SELECT COUNT(*) FROM status_records').pluck().get()
    const runId = t.stores.runs.start(scraper.id, scraper.parserVersion, 'test', t.clock().toISOString())
    const applied = t.engine.apply({ source_id: scraper.id, trust: 'secondary', run_id: runId, snapshot_id: null, observations: run.observations })
    expect(applied.events.filter((e) => e.type.startsWith('status.'))).toEqual([])
    expect(t.stores.db.prepare('SELECT COUNT(*) FROM status_records').pluck().get()).toBe(before)
    const held = t.stores.reviews.list({ state: 'pending', limit: 100 }).filter((r) => r.source_id === scraper.id)
    // Thailand: curated "regulated" (Kratom Plant Act 2022) vs Wikipedia "fully legalized" — a real disagreement.
    expect(held.find((r) => r.jurisdiction === 'TH')).toMatchObject({ reason: 'secondary-source', observation: expect.objectContaining({ status: 'legal' }) })
    expect(held.length).toBe(applied.held)
  })

  it('comes out degraded when the page is missing', async () => {
    const run = await scrapeFixture(scraper, 'missing-page.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
