import { describe, expect, it } from 'vitest'
import type { TimelineRow } from '../db/stores/timeline.js'
import { StatusObservation, type Status, type Trust } from '../domain/index.js'
import { materialDiff, planStatus, rowAt } from './plan.js'

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
