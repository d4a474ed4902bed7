import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Observation } from '../../src/domain/index.js'
import { testDb } from '../../tests/helpers/db.js'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realJson } from '../../tests/helpers/real-sources.js'
import legiscan, { measureFromBill as legiscanMeasure } from './us-legiscan.js'
import scraper, {
  measureFromBill,
  PAGES_PER_RUN,
  readPage,
  stageOf,
  type Action,
  type Bill,
  type Memory,
} from './us-openstates-bills.js'

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'))
const page1 = () =>
  fixture('us-openstates-bills/bills-2025-05-29.json') as { results: Bill[]; pagination: Record<string, number> }
const billsDoc = (json: unknown) => ({ bills: { kind: 'json' as const, url: 'https://v3.openstates.org/bills', json } })
const ctx = (previous: Memory | null) => ({ today: '2026-11-25', previous })
const action = (classification: string[], org = 'upper', description = 'x', order = 1): Action => ({
  organization: { name: org, classification: org },
  description,
  date: '2025-03-01',
  classification,
  order,
})
const bill = (actions: Action[]): Bill => ({ ...page1().results[2]!, actions })

// Facts checked by a person (fixtures/us-openstates-bills/bills-2025-05-29.source.json; the same bills
// as the LegiScan fixture, so the two sources can be compared):
// - Louisiana SB 154 (2025 RS), "Criminalizes the possession or distribution of kratom. (8/1/25)",
//   passed the House 2025-05-27, delivered to the Governor 2025-05-29 (later Act 41).
// - South Carolina S. 221 (2025-2026), "South Carolina Kratom Consumer Protection Act", signed by the
//   Governor 2025-05-12 (Act No. 35), actions as on scstatehouse.gov.
// - Hawaii HB 717 (2025), "Relating To Consumer Protection.", referred to HLT, CPC, FIN on 2025-01-21.
describe('us-openstates-bills', () => {
  it('reads one page of bills into measures with the LegiScan ids, and remembers the newest update', async () => {
    const run = await scrapeFixture(scraper, 'bills-2025-05-29')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.counts).toMatchObject({ documents: 1, followed: 0, observations: 3 })
    const byId = Object.fromEntries(run.observations.map((o) => [o.kind === 'measure' ? o.id : '', o]))
    expect(byId['US-LA/2025/SB154']).toMatchObject({
      jurisdiction: 'US-LA',
      stage: 'passed_legislature',
      last_action_date: '2025-05-29',
      url: 'https://openstates.org/la/bills/2025/SB154/',
      proposed_effect: { subject: 'kratom', status: 'banned' },
    })
    expect(byId['US-SC/2025/S221']).toMatchObject({
      jurisdiction: 'US-SC',
      stage: 'enacted',
      last_action: 'Signed By Governor',
      last_action_date: '2025-05-12',
      proposed_effect: { subject: 'kratom', status: 'regulated' },
    })
    expect(byId['US-HI/2025/HB717']).toMatchObject({
      jurisdiction: 'US-HI',
      stage: 'introduced',
      last_action: 'Referred to HLT, CPC, FIN, referral sheet 2',
      last_action_date: '2025-01-21',
      proposed_effect: null,
    })
    const memory = run.db.db
      .prepare('SELECT memory_json FROM scraper_memory WHERE scraper_id = ?')
      .pluck()
      .get('us-openstates-bills') as string
    expect(JSON.parse(memory)).toEqual({ updated_at: '2025-05-30T06:02:19.718155+00:00' })
  })

  it('gives the same id, stage, date and effect as us-legiscan for the same three bills', async () => {
    const ours = (await scrapeFixture(scraper, 'bills-2025-05-29')).observations
    const theirs = (await scrapeFixture(legiscan, 'search-2025-05-29')).observations
    const facts = (list: typeof ours) =>
      list
        .map((o) =>
          o.kind === 'measure'
            ? { id: o.id, stage: o.stage, date: o.last_action_date, effect: o.proposed_effect }
            : null,
        )
        .sort((a, b) => a!.id.localeCompare(b!.id))
    expect(facts(ours)).toEqual(facts(theirs))
  })

  it('only confirms what LegiScan already recorded, though titles and action wordings differ', () => {
    const t = testDb()
    const parse = (o: unknown) => Observation.parse(o)
    const fromLegiscan = [1, 2, 3].map((n) => {
      const { bill } = fixture(`us-legiscan/followed/bill900000${n}.json`) as { bill: never }
      return parse(legiscanMeasure(bill))
    })
    const batch = (source_id: string, trust: 'primary' | 'secondary', observations: Observation[]) => ({
      source_id,
      trust,
      run_id: null,
      snapshot_id: null,
      observations,
    })
    expect(t.engine.apply(batch('us-legiscan', 'primary', fromLegiscan)).events).toHaveLength(3)
    // Open States words the bills its own way: other titles and action texts, same facts.
    const reworded = page1().results.map((b) =>
      parse({
        ...measureFromBill({
          ...b,
          title: `${b.title} (as Open States titles it)`,
          latest_action_description: `${b.latest_action_description} [reworded]`,
        }),
      }),
    )
    const second = t.engine.apply(batch('us-openstates-bills', 'secondary', reworded))
    expect(second).toMatchObject({ events: [], confirmed: 3, ignored: 0 })
    expect(t.stores.measures.get('US-SC/2025/S221')).toMatchObject({
      title: 'South Carolina Kratom Consumer Protection Act',
      last_action: 'Signed By Governor',
      source_id: 'us-legiscan',
    })
    // LegiScan again: unchanged; Open States again: unchanged. No back and forth.
    expect(t.engine.apply(batch('us-legiscan', 'primary', fromLegiscan))).toMatchObject({ events: [], confirmed: 3 })
    expect(t.engine.apply(batch('us-openstates-bills', 'secondary', reworded))).toMatchObject({
      events: [],
      confirmed: 3,
    })
    // A later action heard first from Open States is news: it updates the measure once.
    const signed = parse({
      ...reworded[0]!,
      stage: 'enacted',
      last_action: 'Signed by the Governor. Becomes Act No. 41.',
      last_action_date: '2025-06-04',
    })
    expect(t.engine.apply(batch('us-openstates-bills', 'secondary', [signed])).events).toMatchObject([
      { type: 'measure.updated', changed_fields: ['title', 'stage', 'last_action', 'last_action_date'] },
    ])
    // An older reading (LegiScan still at "sent to the Governor") does not roll it back.
    expect(t.engine.apply(batch('us-legiscan', 'primary', [fromLegiscan[0]!]))).toMatchObject({
      events: [],
      ignored: 1,
    })
    expect(t.stores.measures.get('US-LA/2025/SB154')).toMatchObject({
      stage: 'enacted',
      last_action_date: '2025-06-04',
    })
    // A secondary disagreeing about the stage on the same day is ignored; a primary one corrects.
    const sameDayOther = parse({ ...fromLegiscan[1]!, stage: 'vetoed' })
    expect(t.engine.apply(batch('us-openstates-bills', 'secondary', [sameDayOther]))).toMatchObject({
      events: [],
      ignored: 1,
    })
  })

  it('follows further pages only until page 1 reaches back to the remembered update, at most the page cap', () => {
    const rows = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        ...page1().results[2]!,
        id: `ocd-bill/x-${from + i}`,
        updated_at: new Date(Date.UTC(2026, 10, 25) - (from + i) * 3_600_000).toISOString(),
      }))
    const page = (results: unknown[], max_page: number) => ({
      results,
      pagination: { per_page: 20, page: 1, max_page, total_items: max_page * 20 },
    })
    const search = page(rows(20, 0), 9)
    // First run: pages 2..PAGES_PER_RUN, not all 9.
    expect(Object.keys(scraper.follow!(billsDoc(search), ctx(null)))).toEqual(
      Array.from({ length: PAGES_PER_RUN - 1 }, (_, i) => `page${i + 2}`),
    )
    expect(scraper.follow!(billsDoc(search), ctx(null)).page2).toEqual({
      kind: 'json',
      url: expect.stringMatching(
        /^https:\/\/v3\.openstates\.org\/bills\?q=kratom%20OR%20mitragynine%20OR%20hydroxymitragynine&include=actions&sort=updated_desc&per_page=20&page=2$/,
      ),
      headers: { 'x-api-key': '{OPENSTATES_API_KEY}' },
    })
    // Page 1's oldest bill is no newer than the mark: nothing more to read.
    expect(scraper.follow!(billsDoc(search), ctx({ updated_at: rows(1, 19)[0]!.updated_at }))).toEqual({})
    // The mark lies beyond page 1: keep reading.
    expect(
      Object.keys(scraper.follow!(billsDoc(search), ctx({ updated_at: rows(1, 30)[0]!.updated_at }))),
    ).toHaveLength(PAGES_PER_RUN - 1)
    // One page in all: nothing to follow.
    expect(scraper.follow!(billsDoc(page(rows(3, 0), 1)), ctx(null))).toEqual({})
    // The mark only moves forward.
    const newest = rows(1, 0)[0]!.updated_at
    expect(scraper.remember!(billsDoc(search), { ...ctx(null), followed: {} })).toEqual({ updated_at: newest })
    expect(
      scraper.remember!(billsDoc(search), { ...ctx({ updated_at: '2027-01-01T00:00:00+00:00' }), followed: {} }),
    ).toEqual({ updated_at: '2027-01-01T00:00:00+00:00' })
  })

  it('reads followed pages and counts a bill seen on two pages once', () => {
    const json = page1()
    const out = scraper.parse(billsDoc(json), {
      today: '2026-11-25',
      followed: { page2: { kind: 'json', url: '', json: { ...json, results: [json.results[0]] } } },
    })
    expect(out.map((o) => (o.kind === 'measure' ? o.id : ''))).toEqual([
      'US-LA/2025/SB154',
      'US-SC/2025/S221',
      'US-HI/2025/HB717',
    ])
  })

  it('comes out degraded on the invalid-key body, not "no bills"', async () => {
    const run = await scrapeFixture(scraper, 'invalid-key.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/expected \{results, pagination\} \(detail: "Invalid API Key\./)
    expect(run.db.db.prepare('SELECT COUNT(*) FROM measures').pluck().get()).toBe(0)
    expect(run.db.db.prepare('SELECT COUNT(*) FROM scraper_memory').pluck().get()).toBe(0)
  })

  it('comes out degraded when the envelope changes', async () => {
    const run = await scrapeFixture(scraper, 'envelope-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(() =>
      readPage({ results: [{ ...page1().results[0], actions: undefined }], pagination: page1().pagination }, 'page1'),
    ).toThrow(/actions missing/)
  })

  it.each([
    [[action(['introduction']), action(['referral-committee'], 'upper', 'x', 2)], 'introduced'],
    [[action(['passage'], 'upper')], 'passed_chamber'],
    [[action(['passage'], 'upper'), action(['passage'], 'lower', 'x', 2)], 'passed_legislature'],
    [[action(['passage'], 'legislature')], 'passed_legislature'],
    [[action(['passage']), action(['executive-receipt'], 'executive', 'x', 2)], 'passed_legislature'],
    [[action(['executive-receipt'], 'executive'), action(['executive-signature'], 'executive', 'x', 2)], 'enacted'],
    [[action(['became-law'], 'executive')], 'enacted'],
    [[action(['executive-veto'], 'executive')], 'vetoed'],
    [[action(['passage']), action(['failure'], 'lower', 'x', 2)], 'failed'],
    [[action(['withdrawal'], 'upper', 'Withdrawn by author')], 'withdrawn'],
    [[action(['introduction']), action(['withdrawal'], 'upper', 'Withdrawn from the calendar', 2)], 'introduced'],
    [[action(['failure']), action(['passage'], 'upper', 'x', 2)], 'passed_chamber'],
    [[], 'introduced'],
  ] as [Action[], string][])('maps classifications %j to %s', (actions, stage) =>
    expect(stageOf(bill(actions))).toBe(stage),
  )

  it('refuses to guess: an unseen classification or an override degrade', () => {
    expect(() => stageOf(bill([action(['pocket-veto'])]))).toThrow(/unknown action classification "pocket-veto"/)
    expect(() =>
      stageOf(bill([action(['executive-veto']), action(['veto-override-passage'], 'upper', 'x', 2)])),
    ).toThrow(/veto override/)
  })

  it('treats a bill whose actions carry no classification as unclassified: left out, the rest of the run goes on', () => {
    expect(stageOf(bill([action([]), action([], 'lower', 'y', 2)]))).toBeNull()
    const [b, ...rest] = page1().results
    const unclassified = { ...b!, actions: b!.actions.map((a) => ({ ...a, classification: [] })) }
    expect(measureFromBill(unclassified)).toBeNull()
    const out = scraper.parse(
      {
        bills: {
          kind: 'json',
          url: 'https://v3.openstates.org/bills',
          json: { ...page1(), results: [unclassified, ...rest] },
        },
      },
      { today: '2026-11-30', followed: {} },
    )
    expect(out).toHaveLength(rest.length)
  })

  it('keys bills like us-legiscan and leaves out what it cannot key', () => {
    const b = page1().results[1]!
    expect(measureFromBill(b)).toMatchObject({ id: 'US-SC/2025/S221' })
    expect(measureFromBill({ ...b, session: '89R' })).toBeNull()
    expect(
      measureFromBill({
        ...b,
        jurisdiction: {
          id: 'ocd-jurisdiction/country:us/district:dc/government',
          name: 'District of Columbia',
          classification: 'state',
        },
        session: '2025-2026',
      }),
    ).toMatchObject({ id: 'US-DC/2025/S221' })
    expect(
      measureFromBill({
        ...b,
        jurisdiction: {
          id: 'ocd-jurisdiction/country:us/government',
          name: 'United States',
          classification: 'country',
        },
      }),
    ).toBeNull()
    expect(() =>
      measureFromBill({
        ...b,
        jurisdiction: {
          id: 'ocd-jurisdiction/country:ca/province:on/government',
          name: 'Ontario',
          classification: 'state',
        },
      }),
    ).toThrow(/unknown jurisdiction id/)
  })
})

// REAL material: an Open States v3 answer of another endpoint with the same envelope
// (/jurisdictions?page=1&per_page=52, 2021). No recorded /bills answer exists.
describe.skipIf(!hasRealSources)('us-openstates-bills on a real v3 answer (/jurisdictions, same envelope)', () => {
  it('accepts the real {results, pagination} envelope and refuses its non-bill results (degraded), never an empty page', () => {
    const json = realJson('openstates/openstates-v3-jurisdictions-page1-per_page52.json') as {
      results: unknown[]
      pagination: unknown
    }
    expect(() => readPage(json, 'page1')).toThrow(/result 0: field "session" is undefined/)
    // The envelope alone (no results) is read, pagination included: the paging arithmetic rests on it.
    expect(readPage({ ...json, results: [] }, 'page1').pagination).toEqual({
      per_page: 52,
      page: 1,
      max_page: 33,
      total_items: 1691,
    })
  })
})
