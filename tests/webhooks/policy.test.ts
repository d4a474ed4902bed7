import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import type { ChangeEvent } from '../../src/domain/index.js'
import { matches } from '../../src/webhooks/match.js'
import { eventPayload, MAX_PAYLOAD_BYTES, type EffectiveSummary } from '../../src/webhooks/payload.js'
import {
  classifyStatus,
  failingTooLong,
  nextAttemptAt,
  parseRetryAfter,
  RETRY_SCHEDULE_MS,
} from '../../src/webhooks/policy.js'
import { newSecret, signedHeaders } from '../../src/webhooks/signer.js'

const now = new Date('2026-11-25T12:00:00Z')
const at = (ms: number) => new Date(now.getTime() + ms).toISOString()

function event(over: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    id: 42,
    type: 'status.changed',
    jurisdiction: 'US-CA-SAN-DIEGO',
    subject: 'kratom',
    measure_id: null,
    scraper_id: 'us-ca-san-diego-code',
    changed_fields: ['status'],
    before: { status: 'legal', citation: 'none' },
    after: {
      status: 'banned',
      citation: 'San Diego Mun. Code § 52.1001',
      summary: 'Sale banned.',
      evidence: { text: 'kratom' },
    },
    effective_date: '2026-12-01',
    detected_at: '2026-11-25T12:00:00.000Z',
    supersedes: null,
    run_id: 1,
    snapshot_id: 1,
    ...over,
  }
}

describe('retry policy', () => {
  it('follows the Standard Webhooks schedule and then gives up', () => {
    expect(RETRY_SCHEDULE_MS).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
    ])
    const mid = () => 0.5 // no jitter
    expect(nextAttemptAt(1, now, null, mid)!.toISOString()).toBe(at(5_000))
    expect(nextAttemptAt(2, now, null, mid)!.toISOString()).toBe(at(300_000))
    expect(nextAttemptAt(9, now, null, mid)!.toISOString()).toBe(at(86_400_000))
    expect(nextAttemptAt(10, now, null, mid)).toBeNull()
  })

  it('adds at most ten percent jitter either way', () => {
    expect(nextAttemptAt(2, now, null, () => 0)!.toISOString()).toBe(at(270_000))
    expect(nextAttemptAt(2, now, null, () => 0.999999)!.getTime()).toBeLessThanOrEqual(now.getTime() + 330_000)
  })

  it('honours a Retry-After later than the schedule, in seconds or as a date, capped at a day', () => {
    expect(nextAttemptAt(1, now, 120, () => 0.5)!.toISOString()).toBe(at(120_000))
    expect(nextAttemptAt(2, now, 1, () => 0.5)!.toISOString()).toBe(at(300_000))
    expect(nextAttemptAt(1, now, 10 * 86_400, () => 0.5)!.toISOString()).toBe(at(86_400_000))
    expect(parseRetryAfter('30', now)).toBe(30)
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:01:00 GMT', now)).toBe(60)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(null, now)).toBeNull()
  })

  it.each([
    [200, 'succeeded'],
    [204, 'succeeded'],
    [299, 'succeeded'],
    [301, 'failed'],
    [302, 'failed'],
    [307, 'failed'],
    [400, 'failed'],
    [410, 'gone'],
    [429, 'failed'],
    [500, 'failed'],
  ] as const)('classifies HTTP %i as %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind)
  })

  it('disables a subscription only after five days of failures', () => {
    expect(failingTooLong(null, now)).toBeNull()
    expect(failingTooLong('2026-11-21T12:00:01.000Z', now)).toBeNull()
    expect(failingTooLong('2026-11-20T12:00:00.000Z', now)).toMatch(/since 2026-11-20T12:00:00.000Z failed \(5 days\)/)
  })
})

describe('subscription matching', () => {
  const lineage = ['US-CA-SAN-DIEGO', 'US-CA', 'US']
  const sub = (over = {}) => ({ events: [], jurisdictions: [], include_descendants: false, subjects: [], ...over })

  it.each([
    ['no filters', sub(), true],
    ['its event type', sub({ events: ['status.changed'] }), true],
    ['another event type', sub({ events: ['measure.introduced'] }), false],
    ['the place itself', sub({ jurisdictions: ['US-CA-SAN-DIEGO'] }), true],
    ['the state without descendants', sub({ jurisdictions: ['US-CA'] }), false],
    ['the state with descendants', sub({ jurisdictions: ['US-CA'], include_descendants: true }), true],
    ['the country with descendants', sub({ jurisdictions: ['US'], include_descendants: true }), true],
    ['another state with descendants', sub({ jurisdictions: ['US-TX'], include_descendants: true }), false],
    ['its subject', sub({ subjects: ['kratom'] }), true],
    ['another subject', sub({ subjects: ['7-oh'] }), false],
  ])('%s → %s', (_name, s, expected) => {
    expect(matches(s, event(), lineage)).toBe(expected)
  })

  it('does not match events without a place or subject when those are filtered', () => {
    const degraded = event({ type: 'scraper.degraded', jurisdiction: null, subject: null })
    expect(matches(sub({ jurisdictions: ['US'], include_descendants: true }), degraded, [])).toBe(false)
    expect(matches(sub({ subjects: ['kratom'] }), degraded, [])).toBe(false)
    expect(matches(sub({ events: ['scraper.degraded'] }), degraded, [])).toBe(true)
  })
})

const effective: EffectiveSummary = {
  status: 'banned',
  at_least: null,
  decided_by: 'US-CA-SAN-DIEGO',
  unconfirmed: false,
  explanation: 'San Diego bans kratom; "local" rule',
}

describe('webhook payload and signature', () => {
  it('carries type, timestamp and data with before, after, citation, effective date, place, subject and links', () => {
    const body = JSON.parse(eventPayload(event(), 'https://kratomwatch.example/')) as unknown
    expect(body).toMatchObject({
      type: 'status.changed',
      timestamp: '2026-11-25T12:00:00.000Z',
      data: {
        event_id: 42,
        jurisdiction: 'US-CA-SAN-DIEGO',
        subject: 'kratom',
        citation: 'San Diego Mun. Code § 52.1001',
        effective_date: '2026-12-01',
        before: { status: 'legal' },
        after: { status: 'banned' },
        links: {
          jurisdiction: 'https://kratomwatch.example/jurisdictions/US-CA-SAN-DIEGO',
          event: 'https://kratomwatch.example/changes?since=41&limit=1',
        },
      },
    })
  })

  it('stays under 20 kB by dropping bulky evidence first', () => {
    const huge = event({ after: { status: 'banned', citation: 'X', evidence: { text: 'x'.repeat(50_000) } } })
    const body = eventPayload(huge, 'https://k.example')
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES)
    expect(JSON.parse(body)).toMatchObject({
      data: { truncated: true, after: { status: 'banned', citation: 'X', evidence_omitted: true } },
    })
    const absurd = event({ after: { status: 'banned', citation: 'X', summary: 'y'.repeat(50_000) } })
    expect(Buffer.byteLength(eventPayload(absurd, 'https://k.example'))).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES)
  })

  it.each<[string, Partial<ChangeEvent>, EffectiveSummary | undefined]>([
    ['a status change with the effective answer', {}, effective],
    ['a first row (no before), without an effective answer', { before: null }, undefined],
    [
      'a measure (no subject, no jurisdiction links)',
      { type: 'measure.updated', subject: null, jurisdiction: null },
      undefined,
    ],
    ['text needing escapes', { after: { status: 'banned', citation: '§ "1"\n\u2028 café' } }, effective],
    [
      'a body over 20 kB (truncated as before)',
      { after: { status: 'banned', citation: 'X', evidence: { text: 'x'.repeat(50_000) } } },
      effective,
    ],
  ])('writes the same bytes from the stored JSON of before and after: %s', (_name, changes, summary) => {
    const e = event(changes)
    const sides = {
      before: e.before ? JSON.stringify(e.before) : null,
      after: e.after ? JSON.stringify(e.after) : null,
    }
    expect(eventPayload(e, 'https://k.example', summary, sides)).toBe(eventPayload(e, 'https://k.example', summary))
  })

  it('signs so that standardwebhooks verifies with each live secret', () => {
    const [oldSecret, newOne, stranger] = [newSecret(), newSecret(), newSecret()]
    expect(oldSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const body = eventPayload(event(), 'https://k.example')
    const headers = signedHeaders([newOne, oldSecret], 'msg_abc', new Date(), body)
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    expect(new Webhook(oldSecret).verify(body, headers)).toMatchObject({ type: 'status.changed' })
    expect(new Webhook(newOne).verify(body, headers)).toMatchObject({ type: 'status.changed' })
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow()
    expect(() => new Webhook(newOne).verify(body.replace('banned', 'legal'), headers)).toThrow()
  })
})
