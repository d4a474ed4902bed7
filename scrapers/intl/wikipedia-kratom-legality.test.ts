import { describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { testDb } from '../../tests/helpers/db.js'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './wikipedia-kratom-legality.js'
import { hasRealSources, realJson } from '../../tests/helpers/real-sources.js'

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
    const applied = t.engine.apply({
      source_id: scraper.id,
      trust: 'secondary',
      run_id: runId,
      snapshot_id: null,
      observations: run.observations,
    })
    expect(applied.events.filter((e) => e.type.startsWith('status.'))).toEqual([])
    expect(t.stores.db.prepare('SELECT COUNT(*) FROM status_records').pluck().get()).toBe(before)
    const held = t.stores.reviews.list({ state: 'pending', limit: 100 }).filter((r) => r.source_id === scraper.id)
    // Thailand: curated "regulated" (Kratom Plant Act 2022) vs Wikipedia "fully legalized" — a real disagreement.
    expect(held.find((r) => r.jurisdiction === 'TH')).toMatchObject({
      reason: 'secondary-source',
      observation: expect.objectContaining({ status: 'legal' }),
    })
    expect(held.length).toBe(applied.held)
  })

  it('comes out degraded when the page is missing', async () => {
    const run = await scrapeFixture(scraper, 'missing-page.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})

// REAL material: MediaWiki action=query&prop=revisions answers (formatversion=1) for other articles.
describe.skipIf(!hasRealSources)('wikipedia-kratom-legality on real MediaWiki answers', () => {
  it.each([
    'mediawiki/enwiki-api-query-revisions-Innopolis-2018.json',
    'mediawiki/enwiki-api-query-revisions-section0-Edsger_Dijkstra-2010.json',
  ])(
    'reaches the wikitext of %s and refuses it for lack of a Regulation section (degraded), never an empty success',
    (path) => {
      const json = realJson(path) as { query: { pages: Record<string, { revisions: Record<string, string>[] }> } }
      expect(Object.values(json.query.pages)[0]!.revisions[0]!['*']!.length).toBeGreaterThan(1000)
      expect(() =>
        scraper.parse(
          { article: { kind: 'json', url: 'https://en.wikipedia.org/w/api.php', json } },
          { today: '2026-11-30', followed: {} },
        ),
      ).toThrow(/no "== Regulation ==" \(or Legal status/)
    },
  )
})
