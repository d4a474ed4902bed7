import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { readDataset } from '../../src/baseline/load.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { createScrapingService } from '../../src/scraping/service.js'
import { testDb } from '../../tests/helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeFixture, scrapeTestEnv } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, REAL_SOURCES, realJson } from '../../tests/helpers/real-sources.js'
import scraper, { CLIENTS, effectOf, measureOf, readMatters, stageOf, type Matter } from './us-legistar-matters.js'

// Facts checked by a person: Castle Rock's Town Council passed the ordinance adding chapter 9.24
// "Sale of Kratom to Minors Prohibited" on second reading on 2019-06-04 (Legistar ID 3968371; the
// curated baseline and us-co-castle-rock-ordinance-9-24). The fixture is SYNTHETIC in the real
// Matter shape (see its sidecar).
describe('us-legistar-matters', () => {
  it('records the Castle Rock ordinance as a passed local measure with an age-limit effect, through the whole pipeline', async () => {
    const run = await scrapeFixture(scraper, 'castle-rock-2019')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.counts).toMatchObject({ documents: 4, observations: 1 })
    expect(run.observations).toEqual([
      expect.objectContaining({
        kind: 'measure',
        id: 'US-CO-CASTLE-ROCK/legistar/3968371',
        jurisdiction: 'US-CO-CASTLE-ROCK',
        stage: 'passed_legislature',
        last_action_date: '2019-06-04',
        last_action: 'Passed, Town Council',
        proposed_effect: { subject: 'kratom', status: 'regulated' },
        url: 'https://castlerock-co.legistar.com/LegislationDetail.aspx?ID=3968371&GUID=47BCDD5C-F3E4-4559-A1B7-50E964FF34AE',
      }),
    ])
    expect(run.events.map((e) => [e.type, e.jurisdiction])).toEqual([['measure.introduced', 'US-CO-CASTLE-ROCK']])
    const stored = run.db.stores.measures.get('US-CO-CASTLE-ROCK/legistar/3968371')
    expect(stored).toMatchObject({ stage: 'passed_legislature', source_id: 'us-legistar-matters' })
  })

  it.each([
    ['filter-ignored.degraded', /names no kratom term, so the \$filter was not honoured/],
    ['error-body.degraded', /denver: expected a JSON array of matters \(Message: "An error has occurred\."\)/],
  ])('comes out degraded on %s and records nothing', async (name, error) => {
    const run = await scrapeFixture(scraper, name)
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(error)
    expect(run.db.stores.measures.get('US-CO-CASTLE-ROCK/legistar/3968371')).toBeUndefined()
  })

  const matter = (over: Partial<Matter>): Matter => ({
    MatterId: 1,
    MatterGuid: 'G',
    MatterFile: '2026-1',
    MatterName: null,
    MatterTitle: 'An ordinance prohibiting the sale of kratom',
    MatterTypeName: 'Ordinance',
    MatterStatusName: 'Introduced',
    MatterBodyName: 'City Council',
    MatterIntroDate: '2026-01-05T00:00:00',
    MatterAgendaDate: null,
    MatterPassedDate: null,
    MatterEnactmentDate: null,
    MatterEnactmentNumber: null,
    ...over,
  })

  it.each([
    [{}, 'introduced'],
    [{ MatterStatusName: 'Referred to Committee' }, 'introduced'],
    [{ MatterStatusName: 'Adopted' }, 'passed_legislature'],
    [{ MatterStatusName: 'Passed', MatterPassedDate: '2026-02-01T00:00:00' }, 'passed_legislature'],
    [{ MatterStatusName: 'Passed', MatterEnactmentNumber: 'ORD-26-4' }, 'enacted'],
    [{ MatterStatusName: 'Signed', MatterEnactmentDate: '2026-02-10T00:00:00' }, 'enacted'],
    [{ MatterStatusName: 'Failed' }, 'failed'],
    [{ MatterStatusName: 'Withdrawn', MatterPassedDate: null }, 'withdrawn'],
    [{ MatterStatusName: 'Mayoral Veto' }, 'vetoed'],
  ] as [Partial<Matter>, string][])('maps %j to %s', (over, stage) => expect(stageOf(matter(over))).toBe(stage))

  it('refuses an unseen status wording without dates instead of guessing a stage', () => {
    expect(() => stageOf(matter({ MatterStatusName: 'Sine die' }))).toThrow(/status "Sine die"/)
  })

  it('reads a ban, an age limit and a 7-OH measure from their titles', () => {
    expect(effectOf('An ordinance prohibiting the sale and possession of kratom')).toEqual({
      subject: 'kratom',
      status: 'banned',
    })
    expect(effectOf('Sale of Kratom to Minors Prohibited')).toEqual({ subject: 'kratom', status: 'regulated' })
    expect(effectOf('Prohibiting the sale of 7-hydroxymitragynine products')).toEqual({
      subject: '7-oh',
      status: 'banned',
    })
    expect(effectOf('Report on kratom use')).toBeNull()
    expect(measureOf(matter({}), CLIENTS.toledo)).toMatchObject({
      id: 'US-OH-TOLEDO/legistar/1',
      jurisdiction: 'US-OH-TOLEDO',
      title: 'An ordinance prohibiting the sale of kratom (Ordinance File #2026-1)',
    })
  })

  it('declares one source per client, each a filtered /matters search, for places the dataset knows', () => {
    const known = new Set(readDataset().jurisdictions.map((j) => j.code))
    for (const [name, c] of Object.entries(CLIENTS)) {
      const url = new URL(scraper.sources[name as keyof typeof CLIENTS].url)
      expect(url.pathname).toBe(`/v1/${c.client}/matters`)
      expect(url.searchParams.get('$filter')).toContain("substringof('kratom',MatterTitle)")
      expect(known.has(c.jurisdiction), `${c.jurisdiction} is not in the dataset`).toBe(true)
    }
  })
})

// REAL material: Legistar Web API answers of LA Metro (client "metro"): a /matters search answer
// (one Matter, minutes: not about kratom), an Event and the indexes list (other resources).
describe.skipIf(!hasRealSources)('us-legistar-matters on real Legistar Web API answers', () => {
  it('reads the real Matter shape: every field it needs, with the right stage', () => {
    const [m] = readMatters(realJson('legistar/webapi-metro-matters-filtered.json'), 'metro')
    expect(m).toMatchObject({
      MatterId: 10881,
      MatterFile: '2024-1026',
      MatterStatusName: 'Passed',
      MatterPassedDate: '2024-10-31T00:00:00',
      MatterEnactmentDate: null,
    })
    expect(stageOf(m!)).toBe('passed_legislature')
  })

  it('refuses the real answer when served for a client (its matter names no kratom term): degraded through the whole pipeline, nothing recorded', async () => {
    const server = await fixtureServer()
    try {
      const t = testDb()
      t.stores.jurisdictions.upsert(readDataset().jurisdictions, 'dataset')
      const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
      server.file(scraper.sources.castleRock.url, `${REAL_SOURCES}/legistar/webapi-metro-matters-filtered.json`)
      for (const name of ['denver', 'toledo', 'fresnoCounty'] as const)
        server.set(scraper.sources[name].url, { body: '[]', headers: { 'content-type': 'application/json' } })
      const service = await createScrapingService({
        config,
        stores: t.stores,
        engine: t.engine,
        clock: t.clock,
        log: silentLogger,
        registry: [{ def: scraper as ScraperDefinition, file: '', region: 'us', disabled: null }],
        httpBackoffMs: 5,
      })
      const run = await service.runner.run(scraper as ScraperDefinition, { trigger: 'test' })
      await service.stop(0)
      expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
      expect(run.error).toMatch(/matter 10881 \("APPROVE Minutes of the Regular Board Meeting/)
      expect(t.db.prepare('SELECT COUNT(*) FROM measures').pluck().get()).toBe(0)
    } finally {
      await closeFixtureServers()
    }
  })

  it.each(['legistar/webapi-metro-indexes.json', 'legistar/webapi-metro-matter-5036-indexes.json'])(
    'refuses the real %s answer as not a list of matters',
    (path) => {
      expect(() => readMatters(realJson(path), 'metro')).toThrow(/no MatterId \/ MatterGuid/)
    },
  )

  it('refuses a real single Event object as not a list of matters', () => {
    expect(() => readMatters(realJson('legistar/webapi-metro-event-2907.json'), 'metro')).toThrow(
      /expected a JSON array of matters/,
    )
  })
})
