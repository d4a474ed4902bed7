import { describe, expect, it } from 'vitest'
import type { TimelineRow } from '../../src/db/stores/timeline.js'
import type { Batch } from '../../src/diff/engine.js'
import { compareDates, indexAfter, rowAt } from '../../src/diff/plan.js'
import { Observation, type ChangeEvent, type ObservationInput } from '../../src/domain/index.js'
import { createStatusViews } from '../../src/read/status-view.js'
import { registerOutbox } from '../../src/webhooks/outbox.js'
import { eventPayload, type EffectiveSummary } from '../../src/webhooks/payload.js'
import { testDb, type TestDb } from '../helpers/db.js'

function status(input: Partial<ObservationInput & { kind: 'status' }> = {}): Observation {
  return Observation.parse({
    kind: 'status',
    jurisdiction: 'US-AL',
    subject: 'kratom',
    status: 'banned',
    citation: 'Ala. Code § 20-2-23',
    effective_date: '2016-05-10',
    source_url: 'https://alison.example/20-2-23',
    confidence: 'high',
    ...input,
  })
}

const batch = (observations: Observation[]): Batch => ({
  source_id: 'us-al-code',
  trust: 'primary',
  run_id: null,
  snapshot_id: null,
  observations,
})

/** The live timeline as the database holds it, read with a fresh connection-level query. */
function stored(t: TestDb, j = 'US-AL', s = 'kratom') {
  return (
    t.db
      .prepare(
        `SELECT valid_from, valid_to, status, created_event_id FROM status_records
          WHERE jurisdiction = ? AND subject = ? AND retracted_at IS NULL ORDER BY valid_from IS NOT NULL, valid_from, id`,
      )
      .all(j, s) as {
      valid_from: string | null
      valid_to: string | null
      status: string
      created_event_id: number | null
    }[]
  ).map((r) => [r.valid_from, r.valid_to, r.status, r.created_event_id !== null])
}

/** Every row and event as stored (ids included), to compare two ways of applying the same observations. */
function everything(t: TestDb) {
  return {
    rows: t.db.prepare('SELECT * FROM status_records ORDER BY id').all(),
    events: t.db.prepare('SELECT * FROM change_events ORDER BY id').all(),
  }
}

describe('diff engine batching', () => {
  // A batch writes its new rows and events together at its end; these are the cases where the batch
  // touches a row it has not written yet. One batch must store exactly what one batch per observation stores.
  it.each<[string, Observation[], string[]]>([
    [
      'a new row confirmed again, then closed by a later one',
      [
        status({ status: 'regulated', effective_date: '2015-01-01' }),
        status({ status: 'regulated', effective_date: '2015-01-01', citation: 'Ala. Code § 20-2-23 (2015)' }),
        status({ status: 'banned', effective_date: '2020-01-01' }),
      ],
      ['status.changed', 'status.details_updated', 'status.changed'],
    ],
    [
      'a new undated row corrected by one dated today (the same day, written before the correction)',
      [status({ status: 'legal', effective_date: null }), status({ status: 'banned', effective_date: '2026-11-25' })],
      ['status.changed', 'status.corrected'],
    ],
    [
      'a measure between status changes keeps the events in observation order',
      [
        status({ status: 'regulated', effective_date: '2015-01-01' }),
        Observation.parse({
          kind: 'measure',
          id: 'US-AL/2026/SB1',
          jurisdiction: 'US-AL',
          title: 'A bill',
          stage: 'introduced',
          url: 'https://alison.example/sb1',
          last_action: 'Introduced',
          last_action_date: '2026-01-10',
          effective_date: null,
          proposed_effect: null,
        }),
        status({ status: 'banned', effective_date: '2020-01-01', jurisdiction: 'US-AK' }),
      ],
      ['status.changed', 'measure.introduced', 'status.changed'],
    ],
  ])('stores what one batch per observation stores: %s', (_name, observations, types) => {
    const one = testDb()
    const oneResult = one.engine.apply(batch(observations))
    const each = testDb()
    const eachEvents = observations.flatMap((o) => each.engine.apply(batch([o])).events)
    expect(everything(one)).toEqual(everything(each))
    expect(oneResult.events).toEqual(eachEvents)
    expect(oneResult.events.map((e) => e.type)).toEqual(types)
  })

  it('keeps one batch true when it corrects a row and then inserts around it', () => {
    const t = testDb()
    t.engine.apply(batch([status({ status: 'regulated', effective_date: '2015-01-01' })]))
    // The 2015 correction retracts the row the 2020 change must then close; reading stale rows would close the retracted one.
    const { events } = t.engine.apply(
      batch([
        status({ status: 'legal', effective_date: '2020-01-01' }),
        status({ status: 'banned', effective_date: '2015-01-01' }),
        status({ status: 'legal', effective_date: '2010-01-01' }),
      ]),
    )
    expect(events.map((e) => [e.type, e.effective_date])).toEqual([
      ['status.changed', '2010-01-01'],
      ['status.corrected', '2015-01-01'],
      ['status.changed', '2020-01-01'],
    ])
    expect(stored(t)).toEqual([
      ['2010-01-01', '2015-01-01', 'legal', true],
      ['2015-01-01', '2020-01-01', 'banned', true],
      ['2020-01-01', null, 'legal', true],
    ])
    // Each row points at the event that created it.
    const links = t.db
      .prepare('SELECT created_event_id FROM status_records WHERE retracted_at IS NULL ORDER BY valid_from')
      .pluck()
      .all()
    expect(links).toEqual([events[0]!.id, events[1]!.id, events[2]!.id])
  })

  it('writes a re-run whose only news is the verification time for every row, and still refreshes a changed citation', () => {
    const t = testDb()
    const dates = ['2001-01-01', '2002-01-01', '2003-01-01', '2004-01-01']
    const obs = dates.map((d, i) => status({ status: i % 2 ? 'legal' : 'banned', effective_date: d }))
    t.engine.apply(batch(obs))
    t.clock.set('2026-11-26T08:00:00Z')
    const again = t.engine.apply(
      batch([
        ...obs.slice(0, 3),
        status({
          status: 'legal',
          effective_date: '2004-01-01',
          citation: 'Ala. Code § 20-2-23 (amended)',
        }),
      ]),
    )
    expect(again.confirmed).toBe(4)
    expect(again.events.map((e) => e.type)).toEqual(['status.details_updated'])
    const rows = t.db
      .prepare('SELECT valid_from, verified_at, verified_by, citation FROM status_records ORDER BY valid_from')
      .all()
    expect(rows).toEqual([
      ...dates.slice(0, 3).map((d) => ({
        valid_from: d,
        verified_at: '2026-11-26T08:00:00.000Z',
        verified_by: 'us-al-code',
        citation: 'Ala. Code § 20-2-23',
      })),
      {
        valid_from: '2004-01-01',
        verified_at: '2026-11-26T08:00:00.000Z',
        verified_by: 'us-al-code',
        citation: 'Ala. Code § 20-2-23 (amended)',
      },
    ])
  })

  it('hands batch listeners all of a batch in one call, inside its transaction, after per-event listeners saw each', () => {
    const t = testDb()
    const calls: number[][] = []
    const single: number[] = []
    t.stores.events.onAppend((e) => single.push(e.id))
    t.stores.events.onAppendBatch((events) => {
      expect(t.db.inTransaction).toBe(true)
      calls.push(events.map((e) => e.id))
    })
    const { events } = t.engine.apply(
      batch(
        ['2001-01-01', '2002-01-01', '2003-01-01'].map((d, i) =>
          status({ status: i % 2 ? 'legal' : 'banned', effective_date: d }),
        ),
      ),
    )
    expect(calls).toEqual([events.map((e) => e.id)])
    expect(single).toEqual(events.map((e) => e.id))
  })

  it('queues outbox rows in bulk for every matching subscription, more than one INSERT holds, each once', () => {
    const t = testDb()
    registerOutbox(t.stores, { publicBaseUrl: 'https://kw.example' })
    const key = t.stores.keys.create('k', false, '2026-11-25T00:00:00Z')
    for (let i = 0; i < 7; i++) {
      const filter =
        i === 6
          ? { jurisdictions: ['US'], include_descendants: true }
          : { jurisdictions: [], include_descendants: false }
      t.stores.webhooks.create(
        `ep_${i}`,
        key.record.id,
        {
          url: `https://hooks.example/${i}`,
          description: null,
          events: [],
          subjects: [],
          ...filter,
        },
        `whsec_${'A'.repeat(32)}`,
        '2026-11-25T00:00:00Z',
      )
    }
    const obs = Array.from({ length: 120 }, (_, k) =>
      status({
        status: k % 2 ? 'legal' : 'banned',
        effective_date: new Date(Date.UTC(1900, 0, 1) + k * 86_400_000).toISOString().slice(0, 10),
      }),
    )
    const { events } = t.engine.apply(batch(obs))
    expect(events).toHaveLength(120)
    const rows = t.db
      .prepare('SELECT id FROM webhook_deliveries ORDER BY seq')
      .pluck()
      .all()
      .map((id) => t.stores.webhooks.getDelivery(id as string)!)
    expect(rows).toHaveLength(7 * 120) // 840 rows: two INSERTs of up to 500
    expect(new Set(rows.map((r) => `${r.subscription_id}/${r.event_id}`)).size).toBe(840)
    // Each event's body is stored once, whatever the number of subscriptions that receive it.
    expect(t.db.prepare('SELECT COUNT(*) FROM webhook_payloads').pluck().get()).toBe(120)
    // The payload's effective answer is the one the read model gives for the event's date, and the body read
    // back (stored as the text around the event's own before and after) is the one eventPayload writes.
    const views = createStatusViews(t.stores)
    for (const r of rows.filter((_, i) => i % 37 === 0)) {
      const event = events.find((e) => e.id === r.event_id) as ChangeEvent
      const payload = JSON.parse(r.payload) as {
        data: { effective?: EffectiveSummary & { status: string; decided_by: string } }
      }
      expect(r.payload).toBe(eventPayload(t.stores.events.get(event.id)!, 'https://kw.example', payload.data.effective))
      const expected = views.effective('US-AL', 'kratom', event.effective_date!)!
      expect(payload.data.effective).toMatchObject({
        status: expected.status,
        decided_by: expected.decided_by,
      })
    }
  })
})

describe('effectiveResolver', () => {
  it('answers exactly as effective() for every date around a place and its parents', () => {
    const t = testDb()
    t.engine.apply(
      batch([
        status({
          jurisdiction: 'US',
          status: 'legal',
          effective_date: '2000-01-01',
        }),
        status({
          jurisdiction: 'US',
          status: 'banned',
          effective_date: '2030-01-01',
        }),
      ]),
    )
    t.engine.apply(
      batch([
        status({ status: 'regulated', effective_date: '2005-06-01' }),
        status({ status: 'banned', effective_date: '2016-05-10' }),
      ]),
    )
    t.engine.apply({
      ...batch([status({ status: 'legal', effective_date: null })]),
      trust: 'curated',
      source_id: 'curated-baseline',
    })
    const views = createStatusViews(t.stores)
    const resolve = views.effectiveResolver()
    for (const code of ['US', 'US-AL', 'US-CA']) {
      for (const at of [
        '1999-12-31',
        '2000-01-01',
        '2005-05-31',
        '2005-06-01',
        '2016-05-09',
        '2016-05-10',
        '2029-12-31',
        '2030-01-01',
      ]) {
        expect([code, at, resolve(code, 'kratom', at)]).toEqual([code, at, views.effective(code, 'kratom', at)])
      }
    }
    expect(resolve('ZZ-NOWHERE', 'kratom', '2020-01-01')).toBeUndefined()
  })
})

describe('indexAfter', () => {
  it('finds the first row after a date as a linear scan would, for dated and undated rows', () => {
    const rows = [null, '2001-01-01', '2001-01-01', '2003-05-05', '2010-10-10'].map(
      (valid_from, id) => ({ id, valid_from }) as TimelineRow,
    )
    for (const date of [null, '2000-01-01', '2001-01-01', '2002-01-01', '2003-05-05', '2011-01-01']) {
      const linear = rows.findIndex((r) => compareDates(r.valid_from, date) > 0)
      expect([date, indexAfter(rows, date)]).toEqual([date, linear === -1 ? rows.length : linear])
      expect(rowAt(rows, date)).toBe(rows.filter((r) => compareDates(r.valid_from, date) <= 0).at(-1) ?? null)
    }
    expect(indexAfter([], '2020-01-01')).toBe(0)
  })
})
