import { describe, expect, it } from 'vitest'
import type { TimelineRow } from '../db/stores/timeline.js'
import { StatusObservation, type Status, type Trust } from '../domain/index.js'
import { detailsDiff, materialDiff, planStatus, rowAt, sameJson } from './plan.js'

let nextId = 1
function row(validFrom: string | null, status: Status, extra: Partial<TimelineRow> = {}): TimelineRow {
  return {
    id: nextId++,
    jurisdiction: 'US-AL',
    subject: 'kratom',
    status,
    min_age: null,
    conditions: [],
    citation: 'Ala. Code § 20-2-23',
    summary: '',
    confidence: 'high',
    preempts_local: false,
    sources: [],
    valid_from: validFrom,
    valid_to: null,
    recorded_at: '2026-01-01T00:00:00Z',
    activated_at: '2026-01-01T00:00:00Z',
    verified_at: '2026-01-01T00:00:00Z',
    verified_by: 'review',
    source_id: 'curated-baseline',
    trust: 'curated',
    created_event_id: 1,
    run_id: null,
    snapshot_id: null,
    evidence: null,
    ...extra,
  }
}

function obs(status: Status, effective: string | null, extra: Partial<StatusObservation> = {}): StatusObservation {
  return StatusObservation.parse({
    kind: 'status',
    jurisdiction: 'US-AL',
    subject: 'kratom',
    status,
    citation: 'Ala. Code § 20-2-23',
    effective_date: effective,
    source_url: 'https://alison.legislature.state.al.us/code-of-alabama',
    confidence: 'high',
    ...extra,
  })
}

const TODAY = '2026-11-25'
const history = () => [row(null, 'legal'), row('2016-05-10', 'banned')]

describe('planStatus', () => {
  it.each<[string, TimelineRow[], StatusObservation, Trust, string]>([
    ['confirms what the timeline already says', history(), obs('banned', '2016-05-10'), 'primary', 'confirm'],
    [
      'confirms an undated observation equal to the row in force today',
      history(),
      obs('banned', null),
      'primary',
      'confirm',
    ],
    [
      'inserts a change today when a primary source disagrees without a date',
      history(),
      obs('regulated', null),
      'primary',
      'insert',
    ],
    ['inserts a dated change', history(), obs('regulated', '2026-07-01'), 'primary', 'insert'],
    ['schedules a future-dated change', history(), obs('regulated', '2027-01-01'), 'primary', 'insert'],
    [
      'corrects a row with the same date that says something else',
      history(),
      obs('restricted', '2016-05-10'),
      'primary',
      'correct',
    ],
    ['holds a secondary source that disagrees', history(), obs('legal', null), 'secondary', 'review'],
    ['holds a secondary source that reports a change alone', [], obs('banned', null), 'secondary', 'review'],
    ['ignores a secondary source that agrees', history(), obs('banned', null), 'secondary', 'none'],
    [
      'holds a low-confidence change from a primary source',
      history(),
      obs('legal', null, { confidence: 'low' }),
      'primary',
      'review',
    ],
    [
      'lets the reviewed curated dataset record low-confidence rows',
      history(),
      obs('legal', '2026-01-01', { confidence: 'low' }),
      'curated',
      'insert',
    ],
    ['inserts into an empty timeline', [], obs('banned', '2016-05-10'), 'primary', 'insert'],
    [
      'backfills an older row before existing ones (out-of-order input)',
      [row('2020-01-01', 'banned')],
      obs('legal', '2010-01-01'),
      'curated',
      'insert',
    ],
  ])('%s', (_name, rows, observation, trust, kind) => {
    expect(planStatus(rows, observation, { trust, today: TODAY }).kind).toBe(kind)
  })

  it('marks future-dated inserts as scheduled and past ones as current', () => {
    const future = planStatus(history(), obs('regulated', '2027-01-01'), { trust: 'primary', today: TODAY })
    const past = planStatus(history(), obs('regulated', '2026-01-01'), { trust: 'primary', today: TODAY })
    expect(future).toMatchObject({ kind: 'insert', scheduled: true, validFrom: '2027-01-01', validTo: null })
    expect(past).toMatchObject({ kind: 'insert', scheduled: false, validFrom: '2026-01-01' })
  })

  it('ends a backfilled row where the next row begins', () => {
    const plan = planStatus([row('2020-01-01', 'banned')], obs('legal', '2010-01-01'), {
      trust: 'curated',
      today: TODAY,
    })
    expect(plan).toMatchObject({ kind: 'insert', validFrom: '2010-01-01', validTo: '2020-01-01', close: null })
  })

  it('lets an approved review through the trust gates', () => {
    expect(planStatus(history(), obs('legal', null), { trust: 'secondary', today: TODAY, approved: true }).kind).toBe(
      'insert',
    )
  })

  it('names the changed material fields only', () => {
    const before = row(null, 'regulated', { min_age: 18, conditions: ['b', 'a'] })
    expect(materialDiff(before, { ...before, conditions: ['a', 'b'] })).toEqual([])
    expect(materialDiff(before, { ...before, min_age: 21 })).toEqual(['min_age'])
    expect(materialDiff(before, { ...before, summary: 'different words' } as TimelineRow)).toEqual([])
    expect(materialDiff(null, before)).toContain('status')
  })

  it('finds the row in force on a date', () => {
    const rows = history()
    expect(rowAt(rows, '2015-12-31')?.status).toBe('legal')
    expect(rowAt(rows, '2016-05-10')?.status).toBe('banned')
    expect(rowAt(rows, null)?.status).toBe('legal')
    expect(rowAt([], '2020-01-01')).toBeNull()
  })
})

describe('sameJson', () => {
  const date = new Date('2026-01-01T00:00:00Z')
  it.each<[string, unknown, unknown]>([
    ['equal primitives', 'a', 'a'],
    ['a number and its string', 1, '1'],
    ['null and an empty object', null, {}],
    ['equal objects', { url: 'https://a', kind: 'official' }, { url: 'https://a', kind: 'official' }],
    ['the same keys in another order (different text)', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['a key more', { a: 1 }, { a: 1, b: 2 }],
    ['nested arrays', { s: [{ u: 'x' }, { u: 'y' }] }, { s: [{ u: 'x' }, { u: 'y' }] }],
    ['arrays of another length', [1, 2], [1, 2, 3]],
    ['an array and an object', [], {}],
    ['a key set to undefined and a missing key', { a: undefined }, {}],
    ['equal dates (compared by their JSON)', { at: date }, { at: new Date(date) }],
    ['different dates', { at: date }, { at: new Date('2027-01-01T00:00:00Z') }],
  ])('agrees with comparing JSON text, or says "different" where that is safe: %s', (_name, a, b) => {
    const same = JSON.stringify(a) === JSON.stringify(b)
    if (sameJson(a, b)) expect(same).toBe(true)
    // Only these two are reported different although their text is equal: the engine then writes the row, as before.
    else if (same) expect(['a key set to undefined and a missing key']).toContain(_name)
  })
})

describe('detailsDiff', () => {
  const sources = (...urls: string[]) => urls.map((url) => ({ url, source_id: 's', trust: 'primary' as const }))
  const details = (s: ReturnType<typeof sources>) => ({
    citation: 'c',
    summary: '',
    confidence: 'high' as const,
    sources: s,
  })
  it.each<[string, ReturnType<typeof sources>, ReturnType<typeof sources>, string[]]>([
    ['the same sources in the same order', sources('a', 'b'), sources('a', 'b'), []],
    ['the same sources in another order', sources('a', 'b'), sources('b', 'a'), []],
    ['a source more', sources('a'), sources('a', 'b'), ['sources']],
    ['another source', sources('a'), sources('b'), ['sources']],
  ])('compares sources as a set: %s', (_name, before, after, changed) => {
    expect(detailsDiff(details(before), details(after))).toEqual(changed)
  })
})
