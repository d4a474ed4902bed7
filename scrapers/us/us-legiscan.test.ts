import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realJson } from '../../tests/helpers/real-sources.js'
import scraper, { BILLS_PER_RUN, measureFromBill, readSearchRaw, stageOf, type Memory } from './us-legiscan.js'

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/us-legiscan/${path}`, import.meta.url), 'utf8'))
const searchDoc = (json: unknown) => ({ search: { kind: 'json' as const, url: 'https://api.legiscan.com/', json } })
const ctx = (previous: Memory | null) => ({ today: '2026-11-25', previous })

// Facts checked by a person (see the sidecars in fixtures/us-legiscan/followed/):
// - Louisiana SB 154 (2025 RS), "Criminalizes the possession or distribution of kratom. (8/1/25)",
//   passed both chambers, delivered to the Governor 2025-05-29 (later Act 41).
// - South Carolina S. 221 (2025), "South Carolina Kratom Consumer Protection Act", signed by the
//   Governor 2025-05-12 (Act No. 35), history as on scstatehouse.gov.
// - Hawaii HB 717 (2025), "Relating To Consumer Protection.", referred to HLT, CPC, FIN on 2025-01-21.
describe('us-legiscan', () => {
  it('first run: searches once, reads every listed bill with getBill, one measure per state bill', async () => {
    const run = await scrapeFixture(scraper, 'search-2025-05-29')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.counts).toMatchObject({ documents: 4, followed: 3, observations: 3 })
    const byId = Object.fromEntries(run.observations.map((o) => [o.kind === 'measure' ? o.id : '', o]))
    expect(byId['US-LA/2025/SB154']).toMatchObject({
      jurisdiction: 'US-LA',
      stage: 'passed_legislature',
      last_action_date: '2025-05-29',
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
    // The change hashes of the bills read are remembered for the next run.
    const memory = run.db.db
      .prepare('SELECT memory_json FROM scraper_memory WHERE scraper_id = ?')
      .pluck()
      .get('us-legiscan') as string
    expect(JSON.parse(memory)).toEqual({
      hashes: {
        9000001: 'bf606ff230b32a99a20200b3a8d430f6',
        9000002: '81bc044b4751846d9c38d72419f47ec8',
        9000003: 'b94c0187c84def277b82c5689feb9b75',
      },
    })
  })

  it('asks getBill only for bills whose change_hash differs from the remembered one', () => {
    const search = fixture('search-2025-05-29.json')
    const hashes = Object.fromEntries(readSearchRaw(search).map((r) => [r.bill_id, r.change_hash]))
    expect(Object.keys(scraper.follow!(searchDoc(search), ctx(null)))).toEqual([
      'bill9000001',
      'bill9000002',
      'bill9000003',
    ])
    expect(scraper.follow!(searchDoc(search), ctx({ hashes }))).toEqual({})
    const followed = scraper.follow!(searchDoc(search), ctx({ hashes: { ...hashes, 9000002: '0'.repeat(32) } }))
    expect(followed).toEqual({
      bill9000002: { kind: 'json', url: 'https://api.legiscan.com/?key={LEGISCAN_API_KEY}&op=getBill&id=9000002' },
    })
  })

  it(`reads at most ${BILLS_PER_RUN} bills a run (the query budget), most relevant first; the rest next run`, () => {
    const results = Array.from({ length: BILLS_PER_RUN + 50 }, (_, i) => ({
      relevance: 100 - (i % 100),
      bill_id: i + 1,
      change_hash: (i + 1).toString(16).padStart(32, '0'),
    }))
    const search = { status: 'OK', searchresult: { summary: { count: results.length }, results } }
    const first = scraper.follow!(searchDoc(search), ctx(null))
    expect(Object.keys(first)).toHaveLength(BILLS_PER_RUN)
    const remembered = scraper.remember!(searchDoc(search), {
      ...ctx(null),
      followed: Object.fromEntries(Object.keys(first).map((k) => [k, { kind: 'json' as const, url: '', json: {} }])),
    }) as Memory
    expect(Object.keys(remembered.hashes)).toHaveLength(BILLS_PER_RUN)
    expect(Object.keys(scraper.follow!(searchDoc(search), ctx(remembered)))).toEqual(
      Array.from({ length: 50 }, (_, i) => `bill${BILLS_PER_RUN + i + 1}`),
    )
  })

  it('comes out degraded on an error envelope (bad key), not "no bills"', async () => {
    const run = await scrapeFixture(scraper, 'invalid-key.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(
      /getSearchRaw: expected \{status:"OK", searchresult\}, got status "ERROR" \(Invalid API key\)/,
    )
  })

  it('comes out degraded when one getBill fails, records no measure and remembers nothing', async () => {
    const run = await scrapeFixture(scraper, 'getbill-error.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/getBill \(bill9000003\): expected \{status:"OK", bill\}, got status "ERROR"/)
    expect(run.db.db.prepare('SELECT COUNT(*) FROM measures').pluck().get()).toBe(0)
    expect(run.db.db.prepare('SELECT COUNT(*) FROM scraper_memory').pluck().get()).toBe(0)
  })

  it.each([
    ['Signed by the Governor. Becomes Act No. 41.', 'enacted'],
    ['Vetoed by the Governor.', 'vetoed'],
    ['Sent to the Governor by the Secretary of the Senate.', 'passed_legislature'],
    ['Read third time and passed', 'passed_chamber'],
    ['REFERRED TO HEALTH & SOCIAL SERVICES', 'introduced'],
  ])('maps last action %j to %s', (action, stage) => expect(stageOf(action)).toBe(stage))

  it('refuses an unseen last-action wording instead of guessing a stage', () => {
    expect(() => stageOf('Zapped by the moon')).toThrow(/unknown last-action wording/)
  })

  it("accepts getSearchRaw's documented numbered keys and the results array live clients read; refuses results it cannot read", () => {
    const row = { relevance: 100, bill_id: 1, change_hash: '0123456789abcdef0123456789abcdef' }
    const row2 = { relevance: 99, bill_id: 2, change_hash: 'fedcba9876543210fedcba9876543210' }
    // The LegiScan API User Manual's getSearchRaw example: numbered keys beside "summary".
    expect(readSearchRaw({ status: 'OK', searchresult: { summary: { count: 2 }, 1: row2, 0: row } })).toEqual([
      row,
      row2,
    ])
    expect(readSearchRaw({ status: 'OK', searchresult: { summary: { count: 1 }, results: [row] } })).toEqual([row])
    expect(readSearchRaw({ status: 'OK', searchresult: { summary: { count: 0 } } })).toEqual([])
    expect(() => readSearchRaw({ status: 'OK', searchresult: { summary: { count: 3 } } })).toThrow(
      /summary.count is 3 but no result was read/,
    )
    expect(() => readSearchRaw({ status: 'OK', searchresult: { summary: { count: 1 }, results: { 0: row } } })).toThrow(
      /not a list and there are no numbered results/,
    )
  })

  // REAL material: a LegiScan bill object (AK HB1, 2011), read from the shared real-sources folder.
  it.skipIf(!hasRealSources)('reads a real getBill payload (AK HB1, 2011; the shape the synthetic bills copy)', () => {
    const { bill } = realJson('legiscan/legiscan-bill-AK-2011-HB1.json') as {
      bill: Parameters<typeof measureFromBill>[0]
    }
    expect(measureFromBill(bill)).toMatchObject({
      id: 'US-AK/2011/HB1',
      stage: 'passed_chamber',
      last_action: 'REFERRED TO HEALTH & SOCIAL SERVICES',
      last_action_date: '2011-04-12',
      proposed_effect: null,
    })
    // A bill with no status code yet (0) takes its stage from the last action.
    expect(measureFromBill({ ...bill, status: 0 })).toMatchObject({ stage: 'introduced' })
  })
})
