import { describe, expect, it } from 'vitest'
import type { Batch } from '../../src/diff/engine.js'
import { Observation, type ObservationInput, type Trust } from '../../src/domain/index.js'
import { ObservationError } from '../../src/errors.js'
import { testDb, type TestDb } from '../helpers/db.js'

const URL_AL = 'https://alison.legislature.state.al.us/code-of-alabama?section=20-2-23'

function status(input: Partial<ObservationInput & { kind: 'status' }> = {}): Observation {
  return Observation.parse({
    kind: 'status',
    jurisdiction: 'US-AL',
    subject: 'kratom',
    status: 'banned',
    citation: 'Ala. Code § 20-2-23',
    effective_date: '2016-05-10',
    source_url: URL_AL,
    confidence: 'high',
    ...input,
  })
}

function batch(observations: Observation[], trust: Trust = 'primary', source_id = 'us-al-code'): Batch {
  return { source_id, trust, run_id: null, snapshot_id: null, observations }
}

/** The live timeline of one place and subject as [valid_from, valid_to, status]. */
function timeline(t: TestDb, j = 'US-AL', s = 'kratom') {
  return t.stores.timeline.rows(j, s).map((r) => [r.valid_from, r.valid_to, r.status])
}

const eventTypes = (t: TestDb) => t.stores.events.feed({ limit: 1000 }).items.map((e) => e.type)

describe('diff engine', () => {
  it('records a first status as a row and a status.changed event with its evidence', () => {
    const t = testDb()
    const run = t.stores.runs.start('us-al-code', 'v1', 'test', '2026-11-25T00:00:00Z')
    const snap = t.stores.runs.putSnapshot('<html>Schedule I: mitragynine</html>', 'text/html', '2026-11-25T00:00:00Z')
    const result = t.engine.apply({
      ...batch([status({ evidence: { text: 'mitragynine' } })]),
      run_id: run,
      snapshot_id: snap.id,
    })
    expect(result.events).toHaveLength(1)
    const event = result.events[0]!
    expect(event).toMatchObject({
      type: 'status.changed',
      jurisdiction: 'US-AL',
      subject: 'kratom',
      effective_date: '2016-05-10',
      run_id: run,
      snapshot_id: snap.id,
      before: null,
    })
    expect(event.after).toMatchObject({ status: 'banned', citation: 'Ala. Code § 20-2-23', source_url: URL_AL })
    expect(event.changed_fields).toContain('status')
    const [row] = t.stores.timeline.rows('US-AL', 'kratom')
    expect(row).toMatchObject({
      status: 'banned',
      valid_from: '2016-05-10',
      valid_to: null,
      created_event_id: event.id,
      snapshot_id: snap.id,
    })
    expect(row!.evidence).toMatchObject({ text: 'mitragynine', source_url: URL_AL })
  })

  it('changes nothing when the same observations are applied again', () => {
    const t = testDb()
    const observations = [status({ status: 'legal', effective_date: null }), status(), status({ subject: '7-oh' })]
    t.engine.apply(batch(observations, 'curated'))
    const before = t.db
      .prepare('SELECT id, status, valid_from, valid_to, recorded_at, retracted_at FROM status_records ORDER BY id')
      .all()
    t.clock.set('2026-11-26')
    const again = t.engine.apply(batch(observations, 'curated'))
    expect(again.events).toEqual([])
    expect(again.confirmed).toBe(3)
    expect(
      t.db
        .prepare('SELECT id, status, valid_from, valid_to, recorded_at, retracted_at FROM status_records ORDER BY id')
        .all(),
    ).toEqual(before)
    expect(t.stores.timeline.rows('US-AL', 'kratom').at(-1)!.verified_at).toBe('2026-11-26T12:00:00.000Z')
  })

  it('builds the same timeline whatever order the observations arrive in', () => {
    const obsList = [
      status({ status: 'legal', effective_date: null }),
      status({ status: 'banned', effective_date: '2016-05-10' }),
      status({ status: 'regulated', effective_date: '2024-07-01', min_age: 21 }),
    ]
    const inOrder = testDb()
    for (const o of obsList) inOrder.engine.apply(batch([o], 'curated'))
    const reversed = testDb()
    for (const o of [...obsList].reverse()) reversed.engine.apply(batch([o], 'curated'))
    const oneBatch = testDb()
    oneBatch.engine.apply(batch([obsList[2]!, obsList[0]!, obsList[1]!], 'curated'))
    const expected = [
      [null, '2016-05-10', 'legal'],
      ['2016-05-10', '2024-07-01', 'banned'],
      ['2024-07-01', null, 'regulated'],
    ]
    expect(timeline(inOrder)).toEqual(expected)
    expect(timeline(reversed)).toEqual(expected)
    expect(timeline(oneBatch)).toEqual(expected)
  })

  it('refreshes a reworded citation in place and records it as status.details_updated, not a change in law', () => {
    const t = testDb()
    t.engine.apply(batch([status({ citation: 'Ala. Code § 20-2-23; Act 2016-128' })], 'curated'))
    t.clock.set('2026-11-26')
    const result = t.engine.apply(batch([status({ citation: 'Code of Ala. 1975, § 20-2-23(3)' })]))
    expect(result.confirmed).toBe(1)
    expect(result.events).toMatchObject([
      {
        type: 'status.details_updated',
        jurisdiction: 'US-AL',
        changed_fields: ['citation', 'sources'], // the curated row named no kind; the primary scraper reads an official source
        before: { citation: 'Ala. Code § 20-2-23; Act 2016-128', status: 'banned' },
        after: { citation: 'Code of Ala. 1975, § 20-2-23(3)', status: 'banned' },
        effective_date: '2016-05-10',
      },
    ])
    const [row] = t.stores.timeline.rows('US-AL', 'kratom')
    expect(row).toMatchObject({
      citation: 'Code of Ala. 1975, § 20-2-23(3)',
      verified_at: '2026-11-26T12:00:00.000Z',
      verified_by: 'us-al-code',
    })
    expect(row!.sources.map((s) => [s.source_id, s.kind])).toEqual([['us-al-code', 'official']])
    expect(t.stores.events.forJurisdiction('US-AL', { limit: 10 }).items.map((e) => e.type)).toEqual([
      'status.details_updated',
      'status.changed',
    ])
    // The same wording again is a plain confirmation.
    expect(t.engine.apply(batch([status({ citation: 'Code of Ala. 1975, § 20-2-23(3)' })])).events).toEqual([])
  })

  it("dates a curated row's verification by its review, and a later scraper confirmation is not undone by a reload", () => {
    const t = testDb()
    const curated = (reviewed_on: string) =>
      status({ source_url: undefined, sources: [{ url: URL_AL, kind: 'official' }], reviewed_on })
    t.engine.apply(batch([curated('2026-11-25')], 'curated', 'curated-baseline'))
    expect(t.stores.timeline.rows('US-AL', 'kratom')[0]).toMatchObject({
      verified_at: '2026-11-25',
      verified_by: 'review',
    })
    t.clock.set('2027-01-10')
    t.engine.apply(batch([status()]))
    expect(t.stores.timeline.rows('US-AL', 'kratom')[0]).toMatchObject({
      verified_at: '2027-01-10T12:00:00.000Z',
      verified_by: 'us-al-code',
    })
    t.engine.apply(batch([curated('2026-12-01')], 'curated', 'curated-baseline'))
    expect(t.stores.timeline.rows('US-AL', 'kratom')[0]).toMatchObject({
      verified_at: '2027-01-10T12:00:00.000Z',
      verified_by: 'us-al-code',
    })
  })

  it('drops a source a curated entry no longer cites (a shop replaced by the statute) and keeps what scrapers added', () => {
    const t = testDb()
    const shop = 'https://kratom-shop.example/alabama'
    const entry = (
      sources: { url: string; kind: 'official' | 'secondary' | 'commercial' }[],
      confidence: 'low' | 'high',
    ) => status({ source_url: undefined, sources, confidence, reviewed_on: '2026-11-25' })
    t.engine.apply(batch([entry([{ url: shop, kind: 'commercial' }], 'low')], 'curated', 'curated-baseline'))
    t.engine.apply(batch([status({ source_url: 'https://example.gov/al-bill' })], 'primary', 'us-al-bills'))
    const result = t.engine.apply(
      batch([entry([{ url: URL_AL, kind: 'official' }], 'high')], 'curated', 'curated-baseline'),
    )
    expect(result.events[0]).toMatchObject({ type: 'status.details_updated' })
    expect(result.events[0]!.changed_fields).toContain('sources')
    const sources = t.stores.timeline.rows('US-AL', 'kratom')[0]!.sources
    expect(sources.map((s) => [s.url, s.kind])).toEqual([
      [URL_AL, 'official'],
      ['https://example.gov/al-bill', 'official'],
    ])
  })

  it('does not let a secondary source reword a citation', () => {
    const t = testDb()
    t.engine.apply(batch([status()], 'curated'))
    t.engine.apply(batch([status({ citation: 'some wiki wording', effective_date: null })], 'secondary', 'wikipedia'))
    expect(t.stores.timeline.rows('US-AL', 'kratom')[0]!.citation).toBe('Ala. Code § 20-2-23')
  })

  it('treats duplicates in one batch as one observation', () => {
    const t = testDb()
    const result = t.engine.apply(batch([status(), status(), status()]))
    expect(result.events).toHaveLength(1)
    expect(result.confirmed).toBe(2)
    expect(timeline(t)).toEqual([['2016-05-10', null, 'banned']])
  })

  it('refuses a batch that contradicts itself and stores nothing', () => {
    const t = testDb()
    expect(() => t.engine.apply(batch([status(), status({ status: 'legal' })]))).toThrow(/disagree/)
    expect(timeline(t)).toEqual([])
    expect(eventTypes(t)).toEqual([])
  })

  it('rolls back the whole batch on an unknown jurisdiction', () => {
    const t = testDb()
    expect(() => t.engine.apply(batch([status(), status({ jurisdiction: 'US-ZZ' })]))).toThrow(ObservationError)
    expect(timeline(t)).toEqual([])
    expect(() => t.engine.apply(batch([status({ subject: 'coffee' })]))).toThrow(/unknown subject/)
  })

  it('records only the changed fields when a minimum age changes', () => {
    const t = testDb()
    t.engine.apply(
      batch([
        status({
          jurisdiction: 'US-TX',
          status: 'regulated',
          min_age: 18,
          effective_date: '2023-09-01',
          citation: 'Tex. Health & Safety Code ch. 444',
        }),
      ]),
    )
    const { events } = t.engine.apply(
      batch([
        status({
          jurisdiction: 'US-TX',
          status: 'regulated',
          min_age: 21,
          effective_date: '2025-09-01',
          citation: 'Tex. Health & Safety Code ch. 444',
        }),
      ]),
    )
    expect(events[0]).toMatchObject({ type: 'status.changed', changed_fields: ['min_age'] })
    expect(events[0]!.before).toMatchObject({ min_age: 18 })
    expect(events[0]!.after).toMatchObject({ min_age: 21 })
    expect(timeline(t, 'US-TX')).toEqual([
      ['2023-09-01', '2025-09-01', 'regulated'],
      ['2025-09-01', null, 'regulated'],
    ])
  })

  it('stores a future-dated change as scheduled and announces it when its date comes', () => {
    const t = testDb()
    t.engine.apply(batch([status({ status: 'legal', effective_date: null })], 'curated'))
    const { events } = t.engine.apply(
      batch([status({ jurisdiction: 'US-AL', status: 'regulated', min_age: 21, effective_date: '2027-01-01' })]),
    )
    expect(events.map((e) => e.type)).toEqual(['status.scheduled'])
    expect(t.stores.timeline.inForce('US-AL', '2026-12-31').get('kratom')?.status).toBe('legal')
    expect(t.stores.timeline.inForce('US-AL', '2027-01-01').get('kratom')?.status).toBe('regulated')
    expect(t.engine.activateDue()).toEqual([])
    t.clock.set('2027-01-01')
    const fired = t.engine.activateDue()
    expect(fired).toHaveLength(1)
    expect(fired[0]).toMatchObject({
      type: 'status.changed',
      effective_date: '2027-01-01',
      before: { status: 'legal' },
      after: { status: 'regulated', scheduled: false },
    })
    expect(t.engine.activateDue()).toEqual([])
  })

  it('holds a secondary source disagreeing with the curated data in the review queue, once', () => {
    const t = testDb()
    t.engine.apply(batch([status()], 'curated', 'curated-baseline'))
    const wiki = status({
      status: 'legal',
      effective_date: null,
      confidence: 'medium',
      source_url: 'https://en.wikipedia.org/wiki/Kratom',
    })
    const first = t.engine.apply(batch([wiki], 'secondary', 'wikipedia'))
    expect(first).toMatchObject({ events: [], held: 1 })
    expect(timeline(t)).toEqual([['2016-05-10', null, 'banned']])
    const [review] = t.stores.reviews.list({ limit: 10 })
    expect(review).toMatchObject({
      jurisdiction: 'US-AL',
      reason: 'secondary-source',
      state: 'pending',
      current: { status: 'banned' },
    })
    t.clock.set('2026-11-26')
    expect(t.engine.apply(batch([wiki], 'secondary', 'wikipedia')).held).toBe(0)
    t.stores.reviews.decide(review!.id, {
      state: 'rejected',
      at: '2026-11-26',
      by: 'maintainer',
      note: 'Wikipedia is out of date',
    })
    expect(t.engine.apply(batch([wiki], 'secondary', 'wikipedia')).held).toBe(0)
    expect(t.stores.reviews.list({ limit: 10 })).toHaveLength(1)
  })

  it('holds a low-confidence change from a primary source', () => {
    const t = testDb()
    t.engine.apply(batch([status()], 'curated'))
    const result = t.engine.apply(batch([status({ status: 'unknown', effective_date: null, confidence: 'low' })]))
    expect(result.held).toBe(1)
    expect(t.stores.reviews.list({ limit: 5 })[0]).toMatchObject({ reason: 'low-confidence' })
  })

  it('applies an approved review through the trust gates', () => {
    const t = testDb()
    t.engine.apply(batch([status()], 'curated'))
    const result = t.engine.apply({
      ...batch([status({ status: 'legal', effective_date: '2026-11-01' })], 'secondary', 'wikipedia'),
      approval: { review_id: 1, by: 'alice', note: 'checked' },
    })
    expect(result.events[0]).toMatchObject({ type: 'status.changed' })
    expect(t.stores.timeline.rows('US-AL', 'kratom').at(-1)!.sources[0]!.source_id).toMatch(/approved by alice/)
  })

  it('records a correction that names the event it supersedes', () => {
    const t = testDb()
    const [first] = t.engine.apply(batch([status({ status: 'restricted' })])).events
    const [correction] = t.engine.apply(batch([status({ status: 'banned' })])).events
    expect(correction).toMatchObject({
      type: 'status.corrected',
      supersedes: first!.id,
      before: { status: 'restricted' },
      after: { status: 'banned' },
    })
    expect(timeline(t)).toEqual([['2016-05-10', null, 'banned']])
    expect(
      (t.db.prepare('SELECT COUNT(*) AS n FROM status_records WHERE retracted_at IS NOT NULL').get() as { n: number })
        .n,
    ).toBe(1)
  })

  it('upserts measures and records stage changes', () => {
    const t = testDb()
    const bill = {
      kind: 'measure' as const,
      id: 'US-LA/2025/SB154',
      jurisdiction: 'US-LA',
      title: 'Adds kratom to Schedule I',
      stage: 'introduced' as const,
      url: 'https://legis.la.gov/Legis/BillInfo.aspx?s=25RS&b=SB154',
      last_action: 'Introduced',
      last_action_date: '2025-04-14',
      proposed_effect: { subject: 'kratom', status: 'banned' as const },
    }
    const introduced = t.engine.apply(batch([Observation.parse(bill)]))
    expect(introduced.events[0]).toMatchObject({
      type: 'measure.introduced',
      measure_id: 'US-LA/2025/SB154',
      subject: 'kratom',
    })
    expect(t.engine.apply(batch([Observation.parse(bill)])).events).toEqual([])
    const enacted = t.engine.apply(
      batch([
        Observation.parse({
          ...bill,
          stage: 'enacted',
          last_action: 'Signed by the Governor',
          last_action_date: '2025-06-20',
        }),
      ]),
    )
    expect(enacted.events[0]).toMatchObject({
      type: 'measure.updated',
      changed_fields: ['stage', 'last_action', 'last_action_date'],
      before: { stage: 'introduced' },
      after: { stage: 'enacted' },
    })
    expect(t.stores.measures.get('US-LA/2025/SB154')).toMatchObject({ stage: 'enacted' })
  })

  it('calls event listeners inside the transaction that records the event', () => {
    const t = testDb()
    const seen: number[] = []
    t.stores.events.onAppend((e) => {
      expect(t.db.inTransaction).toBe(true)
      seen.push(e.id)
    })
    const { events } = t.engine.apply(batch([status()]))
    expect(seen).toEqual(events.map((e) => e.id))
  })
})
