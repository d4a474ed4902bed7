import { describe, expect, it } from 'vitest'
import type { Status } from '../domain/index.js'
import { resolveEffective, type ChainInput } from './effective-status.js'

type Rec = [Status, number | null, boolean?] | null
const LEVELS = ['country', 'state', 'county', 'city'] as const

/** Builds a chain US → US-XX → county → city from compact records. */
function chain(...records: Rec[]): ChainInput[] {
  const codes = ['US', 'US-XX', 'US-XX-COUNTY', 'US-XX-CITY']
  return records.map((r, i) => ({
    code: codes[i]!,
    name: codes[i]!,
    level: LEVELS[i]!,
    record: r
      ? { status: r[0], min_age: r[1], conditions: r[1] ? [`${r[1]}+`] : [], citation: `cite ${codes[i]}`, source_url: `https://example.gov/${i}`, confidence: 'high', preempts_local: r[2] ?? false, effective_date: null }
      : null,
  }))
}

describe('resolveEffective', () => {
  it.each<[string, Rec[], Status, string | null, number | null]>([
    ['a city ban over a legal state (San Diego over California)', [['legal', null], ['legal', null], null, ['banned', null]], 'banned', 'US-XX-CITY', null],
    ['a state ban over a legal country', [['legal', null], ['banned', null]], 'banned', 'US-XX', null],
    ['a federal ban over a regulated state', [['banned', null], ['regulated', 21]], 'banned', 'US', 21],
    ['the most severe of regulated and restricted', [['legal', null], ['regulated', 18], ['restricted', null]], 'restricted', 'US-XX-COUNTY', 18],
    ['the highest minimum age of state and city', [['legal', null], ['regulated', 18], null, ['regulated', 21]], 'regulated', 'US-XX-CITY', 21],
    ['unknown never overrides a known status', [['legal', null], ['unknown', null]], 'legal', 'US', null],
    ['unknown when nothing is known', [null, ['unknown', null]], 'unknown', null, null],
    ['unknown with no records at all', [null, null], 'unknown', null, null],
    ['equal severity: the more specific rule is shown', [['banned', null], ['banned', null]], 'banned', 'US-XX', null],
    ['a preempting state stops a local ban from raising', [['legal', null], ['regulated', 21, true], null, ['banned', null]], 'regulated', 'US-XX', 21],
    ['preemption does not lower a federal ban', [['banned', null], ['regulated', 21, true], null, ['legal', null]], 'banned', 'US', 21],
  ])('resolves %s', (_name, records, status, decidedBy, minAge) => {
    const result = resolveEffective(chain(...records))
    expect(result.status).toBe(status)
    expect(result.decided_by).toBe(decidedBy)
    expect(result.min_age).toBe(minAge)
    expect(result.chain).toHaveLength(records.length)
  })

  it('explains every link of the chain', () => {
    const result = resolveEffective(chain(['legal', null], ['regulated', 21, true], null, ['banned', null]))
    expect(result.chain.map((l) => [l.code, l.applied])).toEqual([
      ['US', true],
      ['US-XX', true],
      ['US-XX-COUNTY', false],
      ['US-XX-CITY', false],
    ])
    expect(result.chain[3]!.note).toMatch(/US-XX preempts local rules/)
    expect(result.chain[2]!.note).toMatch(/no rule/)
    expect(result.conditions).toEqual(['21+'])
    expect(result.min_age_by).toBe('US-XX')
  })
})
