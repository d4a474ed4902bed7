import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EventType, Observation, type ChangeEvent } from '../../src/domain/index.js'
import { projectPath } from '../../src/paths.js'
import { createStatusViews } from '../../src/read/status-view.js'
import { eventPayload, pingPayload } from '../../src/webhooks/payload.js'
import { WebhookPayload } from '../../src/webhooks/payload-schema.js'
import { testDb } from '../helpers/db.js'

/**
 * docs/webhooks.md shows one example body per event type (and webhook.ping). Each example must pass the payload
 * schema, and carry the same fields as a real body the diff engine produces for that type, so the docs cannot
 * drift from the code.
 */

/** The documented examples: `### \`type\`` headings, each followed by one ```json block. */
function documentedExamples(): Map<string, unknown> {
  const md = readFileSync(projectPath('docs/webhooks.md'), 'utf8')
  const out = new Map<string, unknown>()
  for (const section of md.split(/^### /m).slice(1)) {
    const type = /^`([a-z_.]+)`/.exec(section)?.[1]
    const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1]
    if (type && json) out.set(type, JSON.parse(json))
  }
  return out
}

/** Real bodies for every type: events recorded by the diff engine (and a scraper streak), through eventPayload. */
function realPayloads(): Map<string, Record<string, unknown>> {
  const t = testDb()
  const views = createStatusViews(t.stores, t.clock)
  const run = t.stores.runs.start('us-la-rs-40-964', '3', 'schedule', '2026-11-25T06:00:00Z')
  const snap = t.stores.runs.putSnapshot('<html>Schedule I</html>', 'text/html', '2026-11-25T06:00:01Z')
  const apply = (obs: unknown) =>
    t.engine.apply({
      source_id: 'us-la-rs-40-964',
      trust: 'primary',
      run_id: run,
      snapshot_id: snap.id,
      observations: [Observation.parse(obs)],
    }).events
  const status = {
    kind: 'status',
    jurisdiction: 'US-LA',
    subject: 'kratom',
    status: 'banned',
    citation: 'La. R.S. 40:964',
    effective_date: '2025-08-01',
    source_url: 'https://legis.la.gov/x',
    confidence: 'high',
  }
  const bill = {
    kind: 'measure',
    id: 'US-LA/2026/HB101',
    jurisdiction: 'US-LA',
    title: 'Bans 7-OH',
    stage: 'introduced',
    url: 'https://legis.la.gov/b',
    proposed_effect: { subject: '7-oh', status: 'banned' },
  }
  const events: ChangeEvent[] = [
    ...apply(status),
    ...apply({ ...status, citation: 'La. R.S. 40:964, Schedule I(C)(62)' }),
    ...apply({ ...status, status: 'restricted' }),
    ...apply({ ...status, jurisdiction: 'US-MS', status: 'regulated', min_age: 21, effective_date: '2099-07-01' }),
    ...apply(bill),
    ...apply({ ...bill, stage: 'passed_chamber', last_action: 'Passed the House', last_action_date: '2026-11-24' }),
  ]
  const scraper = {
    jurisdiction: null,
    subject: null,
    measure_id: null,
    scraper_id: 'us-la-rs-40-964',
    effective_date: null,
    detected_at: '2026-11-25T12:00:00.000Z',
    supersedes: null,
    run_id: run,
    snapshot_id: null,
    changed_fields: ['health'],
  }
  events.push(
    t.stores.events.append({
      ...scraper,
      type: 'scraper.degraded',
      before: { health: 'ok' },
      after: { health: 'degraded', failures: 3, outcome: 'degraded', reason: 'structure', error: 'x' },
    }),
  )
  events.push(
    t.stores.events.append({
      ...scraper,
      type: 'scraper.recovered',
      before: { health: 'degraded' },
      after: { health: 'ok', outcome: 'changed' },
    }),
  )
  const out = new Map<string, Record<string, unknown>>()
  for (const e of events) {
    const x = e.type.startsWith('status.')
      ? views.effective(e.jurisdiction!, e.subject!, e.effective_date ?? e.detected_at.slice(0, 10))
      : undefined
    const effective = x && {
      status: x.status,
      at_least: x.at_least,
      decided_by: x.decided_by,
      unconfirmed: x.unconfirmed,
      explanation: x.explanation,
    }
    out.set(e.type, JSON.parse(eventPayload(e, 'https://kratomwatch.example.org', effective)))
  }
  out.set('webhook.ping', JSON.parse(pingPayload('ep_123', new Date('2026-11-25T12:00:00Z'))))
  return out
}

const ALL_TYPES = [...EventType.options, 'webhook.ping']

describe('webhook payloads and their documentation', () => {
  const real = realPayloads()
  const documented = documentedExamples()

  it('real payloads of every type pass the schema', () => {
    expect([...real.keys()].sort()).toEqual([...ALL_TYPES].sort())
    for (const [type, body] of real) {
      const result = WebhookPayload.safeParse(body)
      expect(result.success, `${type}: ${JSON.stringify(result.error?.issues)}`).toBe(true)
    }
    // A first record has before: null.
    expect((real.get('status.changed')!.data as { before: unknown }).before).toBeNull()
  })

  it('docs/webhooks.md has one example per type, each valid and shaped like the real body', () => {
    expect([...documented.keys()].sort()).toEqual([...ALL_TYPES].sort())
    for (const [type, example] of documented) {
      const result = WebhookPayload.safeParse(example)
      expect(result.success, `${type}: ${JSON.stringify(result.error?.issues)}`).toBe(true)
      expect((example as { type: string }).type).toBe(type)
      const keys = (o: unknown) => Object.keys((o as { data: object }).data).sort()
      expect(keys(example), type).toEqual(keys(real.get(type)))
    }
  })

  it('refuses a body that breaks the contract', () => {
    const changed = structuredClone(real.get('status.changed')!) as { data: Record<string, unknown> }
    expect(WebhookPayload.safeParse({ ...changed, type: 'status.exploded' }).success).toBe(false)
    expect(
      WebhookPayload.safeParse({ ...changed, data: { ...changed.data, after: { status: 'sort of legal' } } }).success,
    ).toBe(false)
    const corrected = structuredClone(real.get('status.corrected')!) as { data: Record<string, unknown> }
    expect(WebhookPayload.safeParse({ ...corrected, data: { ...corrected.data, supersedes: null } }).success).toBe(
      false,
    )
  })
})
