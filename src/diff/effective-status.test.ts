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
      ? {
          status: r[0],
          min_age: r[1],
          conditions: r[1] ? [`${r[1]}+`] : [],
          citation: `cite ${codes[i]}`,
          source_url: `https://example.gov/${i}`,
          confidence: 'high',
          preempts_local: r[2] ?? false,
          effective_date: null,
          official: true,
        }
      : null,
  }))
}

describe('resolveEffective', () => {
  it.each<[string, Rec[], Status, string | null, number | null]>([
    [
      'a city ban over a legal state (San Diego over California)',
      [['legal', null], ['legal', null], null, ['banned', null]],
      'banned',
      'US-XX-CITY',
      null,
    ],
    [
      'a state ban over a legal country',
      [
        ['legal', null],
        ['banned', null],
      ],
      'banned',
      'US-XX',
      null,
    ],
    [
      'a federal ban over a regulated state: the state age limit does not apply',
      [
        ['banned', null],
        ['regulated', 21],
      ],
      'banned',
      'US',
      null,
    ],
    [
      'the most severe of regulated and restricted: the regulated age does not apply',
      [
        ['legal', null],
        ['regulated', 18],
        ['restricted', null],
      ],
      'restricted',
      'US-XX-COUNTY',
      null,
    ],
    [
      'the highest minimum age of state and city',
      [['legal', null], ['regulated', 18], null, ['regulated', 21]],
      'regulated',
      'US-XX-CITY',
      21,
    ],
    [
      'equal severity: the more specific rule is shown',
      [
        ['banned', null],
        ['banned', null],
      ],
      'banned',
      'US-XX',
      null,
    ],
    [
      'a preempting state stops a local ban from raising',
      [['legal', null], ['regulated', 21, true], null, ['banned', null]],
      'regulated',
      'US-XX',
      21,
    ],
    [
      'preemption does not lower a federal ban',
      [['banned', null], ['regulated', 21, true], null, ['legal', null]],
      'banned',
      'US',
      null,
    ],
    // Unknown propagates: "we don't know" is never "legal" (issue 9).
    [
      'an unknown state under a legal country (Kansas)',
      [
        ['legal', null],
        ['unknown', null],
      ],
      'unknown',
      null,
      null,
    ],
    [
      'an unknown state with no entry below it',
      [['legal', null], ['unknown', null], null, null],
      'unknown',
      null,
      null,
    ],
    [
      'an unknown state above a legal city',
      [['legal', null], ['unknown', null], null, ['legal', null]],
      'unknown',
      null,
      null,
    ],
    [
      'an unknown country above a regulated state',
      [
        ['unknown', null],
        ['regulated', 21],
      ],
      'unknown',
      null,
      21,
    ],
    [
      'a ban above an unknown level: banned decides',
      [
        ['banned', null],
        ['unknown', null],
      ],
      'banned',
      'US',
      null,
    ],
    [
      'an unknown level above a ban: banned decides',
      [['legal', null], ['unknown', null], null, ['banned', null]],
      'banned',
      'US-XX-CITY',
      null,
    ],
    ['unknown when nothing is known', [null, ['unknown', null]], 'unknown', null, null],
    ['unknown with no records at all', [null, null], 'unknown', null, null],
    [
      'a preempting state hides a local unknown',
      [['legal', null], ['regulated', 21, true], null, ['unknown', null]],
      'regulated',
      'US-XX',
      21,
    ],
  ])('resolves %s', (_name, records, status, decidedBy, minAge) => {
    const result = resolveEffective(chain(...records))
    expect(result.status).toBe(status)
    expect(result.decided_by).toBe(decidedBy)
    expect(result.min_age).toBe(minAge)
    expect(result.chain).toHaveLength(records.length)
  })

  it.each<[string, Rec[], string | null, string[]]>([
    [
      'an unknown state under a legal country',
      [
        ['legal', null],
        ['unknown', null],
      ],
      'legal',
      ['US-XX'],
    ],
    [
      'an unknown country above a regulated state',
      [
        ['unknown', null],
        ['regulated', 21],
      ],
      'regulated',
      ['US'],
    ],
    ['nothing known', [null, ['unknown', null]], null, ['US-XX']],
    ['no records at all', [null, null], null, []],
  ])('keeps the lower bound of %s', (_name, records, atLeast, unknownAt) => {
    const result = resolveEffective(chain(...records))
    expect(result.status).toBe('unknown')
    expect(result.at_least).toBe(atLeast)
    expect(result.unknown_at).toEqual(unknownAt)
    expect(result.unconfirmed).toBe(true)
    expect(result.confidence).toBeNull()
  })

  it('explains an unknown level in the chain and in one sentence', () => {
    const input = chain(['legal', null], ['unknown', null])
    input[1]!.name = 'Kansas'
    const result = resolveEffective(input)
    expect(result.explanation).toBe("Kansas's own rule is unconfirmed: at least legal (US), possibly banned.")
    expect(result.chain[1]!.note).toBe('own rule unconfirmed: at least legal, possibly banned')
  })

  it('drops the conditions of a level a stricter one overrides (a city ban over a state restriction)', () => {
    const input = chain(['legal', null], ['restricted', null], null, ['banned', null])
    input[1]!.record!.conditions = ['possession not an offence']
    const result = resolveEffective(input)
    expect(result.status).toBe('banned')
    expect(result.conditions).toEqual([])
    expect(result.chain[1]!.applied).toBe(false)
    expect(result.chain[1]!.note).toMatch(/stricter \(banned\)/)
  })

  it('marks a status resting on no official source as unconfirmed', () => {
    const input = chain(['legal', null], ['banned', null])
    input[1]!.record!.official = false
    expect(resolveEffective(input).unconfirmed).toBe(true)
    input[1]!.record!.official = true
    expect(resolveEffective(input).unconfirmed).toBe(false)
  })

  it('explains every link of the chain', () => {
    const result = resolveEffective(chain(['legal', null], ['regulated', 21, true], null, ['banned', null]))
    expect(result.chain.map((l) => [l.code, l.applied])).toEqual([
      ['US', false],
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
