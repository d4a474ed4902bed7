import { join } from 'node:path'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { readDataset } from '../../src/baseline/load.js'
import { loadConfig } from '../../src/config.js'
import { Observation } from '../../src/domain/index.js'
import { silentLogger } from '../../src/log.js'
import { startService } from '../../src/main.js'
import { matches } from '../../src/webhooks/match.js'
import { registerOutbox } from '../../src/webhooks/outbox.js'
import { baselineApp, tempDir, testApp, testClock, testDb } from '../helpers/db.js'

/**
 * Issue 9: the service answers with no more certainty than it has. Unknown stays unknown, a
 * verification is a fact about a source, every source says what it is, a refined citation is
 * visible, and the feeds list changes in law by the date the law changed.
 */

let ctx: ReturnType<typeof testApp>
beforeAll(() => {
  ctx = baselineApp()
})
const json = async (path: string) => {
  const res = await ctx.app.request(path)
  expect(res.status, path).toBe(200)
  return res.json()
}

describe('unknown stays unknown', () => {
  it('answers Kansas as unknown, at least legal, with the chain explaining it', async () => {
    const body = await json('/jurisdictions/US-KS')
    const e = body.subjects.kratom.effective
    expect(e).toMatchObject({
      status: 'unknown',
      at_least: 'legal',
      decided_by: null,
      unknown_at: ['US-KS'],
      unconfirmed: true,
      confidence: null,
    })
    expect(e.explanation).toBe("Kansas's own rule is unconfirmed: at least legal (United States), possibly banned.")
    expect(e.chain.map((l: { code: string; note: string }) => [l.code, l.note])).toEqual([
      ['US', 'sets the status'],
      ['US-KS', 'own rule unconfirmed: at least legal, possibly banned'],
    ])
  })

  it('filters GET /jurisdictions by the effective status: Kansas is not among the legal states', async () => {
    const legal = await json('/jurisdictions?level=state&parent=US&subject=kratom&status=legal&limit=100')
    expect(legal.items.map((p: { code: string }) => p.code)).not.toContain('US-KS')
    const unknown = await json('/jurisdictions?level=state&parent=US&subject=kratom&status=unknown&limit=100')
    expect(unknown.items.find((p: { code: string }) => p.code === 'US-KS')).toMatchObject({
      status: 'unknown',
      at_least: 'legal',
      unconfirmed: true,
    })
  })

  it('keeps a country with no researched status unknown, with nothing known at least', async () => {
    const dataset = readDataset()
    const researchedUnknown = dataset.entries.find(
      (e) => /^[A-Z]{2}$/.test(e.jurisdiction) && e.status === 'unknown' && e.subject === 'kratom',
    )!
    const body = await json(`/jurisdictions/${researchedUnknown.jurisdiction}`)
    expect(body.subjects.kratom.effective).toMatchObject({ status: 'unknown', at_least: null })
    expect(body.subjects.kratom.own.status).toBe('unknown')
  })

  it('answers the same rule for a past date (?at=)', async () => {
    const body = await json('/jurisdictions/US-KS?at=2026-08-01')
    expect(body.subjects.kratom.effective.status).toBe('unknown')
    const before = await json('/jurisdictions/US-KS?at=2026-01-01')
    expect(before.subjects.kratom.effective.status).not.toBe('unknown')
  })
})

describe('effective conditions come from the levels that apply', () => {
  it("drops California's conditions under San Diego's ban (they stay in the chain)", async () => {
    const body = await json('/jurisdictions/US-CA-SAN-DIEGO')
    const e = body.subjects.kratom.effective
    expect(e.status).toBe('banned')
    expect(e.conditions).toEqual(body.subjects.kratom.own.conditions)
    const ca = (await json('/jurisdictions/US-CA')).subjects.kratom.own
    for (const c of ca.conditions) expect(e.conditions).not.toContain(c)
    expect(e.chain[1]).toMatchObject({ code: 'US-CA', applied: false })
  })
})

describe('since means since', () => {
  it("gives the first day of the current run of a place's effective status", async () => {
    const al = await json('/jurisdictions/US-AL')
    expect(al.subjects.kratom.effective).toMatchObject({
      status: 'banned',
      since: al.subjects.kratom.own.effective_date,
    })
    const th = await json('/jurisdictions/TH')
    // Thailand has no level above it: the run is the trailing rows of its own timeline with the current status.
    const rows = (th.subjects.kratom.timeline as { valid_from: string | null; status: string }[]).filter(
      (r) => r.valid_from === null || r.valid_from <= th.as_of,
    )
    let first = rows.length - 1
    while (first > 0 && rows[first - 1]!.status === rows.at(-1)!.status) first--
    expect(rows.length).toBeGreaterThan(2)
    expect(th.subjects.kratom.effective.since).toBe(rows[first]!.valid_from)
  })
})

describe('every source says what it is', () => {
  it('shows the kind of every source on a status', async () => {
    const body = await json('/jurisdictions/US-AL')
    for (const s of body.subjects.kratom.own.sources) expect(['official', 'secondary', 'commercial']).toContain(s.kind)
  })
})

describe('"verified" is a fact about a source', () => {
  it('dates curated rows by their review, not by when the service started, across two starts on different days', async () => {
    const path = join(tempDir(), 'kw.db')
    const config = loadConfig({ PORT: '0', DATABASE_PATH: path, ROLE: 'all', SCHEDULER_ENABLED: 'false' })
    const first = await startService(config, silentLogger, testClock('2026-12-01T08:00:00Z'))
    const read = async (port: number) =>
      (
        (await (await fetch(`http://127.0.0.1:${port}/jurisdictions/US-AL`)).json()) as {
          subjects: { kratom: { own: { verified_at: string; verified_by: string; stale: boolean } } }
        }
      ).subjects.kratom.own
    const a = await read(first.port)
    await first.stop()
    const second = await startService(config, silentLogger, testClock('2027-09-15T08:00:00Z'))
    onTestFinished(() => second.stop())
    const b = await read(second.port)
    const reviewed = readDataset()
      .entries.filter((e) => e.jurisdiction === 'US-AL' && e.subject === 'kratom')
      .at(-1)!.reviewed_on
    expect(a).toMatchObject({ verified_at: reviewed, verified_by: 'review', stale: false })
    expect(b).toMatchObject({ verified_at: reviewed, verified_by: 'review', stale: true }) // older than 180 days by then
  })
})

describe('every change is visible; subscribers choose what they hear', () => {
  it('records a refined citation as status.details_updated in history, delivered only to subscriptions that ask', async () => {
    const t = testDb()
    const outbox = registerOutbox(t.stores, { publicBaseUrl: 'https://kratomwatch.test' })
    const key = t.stores.keys.create('acme', false, t.clock().toISOString())
    const base = {
      url: 'https://hooks.example/k',
      description: null,
      jurisdictions: [],
      include_descendants: false,
      subjects: [],
    }
    const everything = t.stores.webhooks.create(
      'ep_all',
      key.record.id,
      { ...base, events: [] },
      'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHQ=',
      t.clock().toISOString(),
    )
    const details = t.stores.webhooks.create(
      'ep_details',
      key.record.id,
      { ...base, events: ['status.details_updated'] },
      'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHQ=',
      t.clock().toISOString(),
    )
    const observe = (citation: string) =>
      t.engine.apply({
        source_id: 'us-al-code',
        trust: 'primary',
        run_id: null,
        snapshot_id: null,
        observations: [
          Observation.parse({
            kind: 'status',
            jurisdiction: 'US-AL',
            subject: 'kratom',
            status: 'banned',
            citation,
            effective_date: '2016-05-10',
            source_url: 'https://alison.example.gov/20-2-23',
            confidence: 'high',
          }),
        ],
      })
    observe('Ala. Code § 20-2-23')
    const refined = observe('Code of Ala. 1975, § 20-2-23(3)(a)').events
    expect(refined.map((e) => e.type)).toEqual(['status.details_updated'])
    const history = t.stores.events.forJurisdiction('US-AL', { limit: 10 }).items
    expect(history[0]).toMatchObject({
      type: 'status.details_updated',
      changed_fields: ['citation'],
      before: { citation: 'Ala. Code § 20-2-23' },
      after: { citation: 'Code of Ala. 1975, § 20-2-23(3)(a)' },
    })
    const types = (sub: { id: string }) => t.stores.webhooks.deliveries(sub.id, { limit: 10 }).map((d) => d.type)
    expect(types(everything)).toEqual(['status.changed'])
    expect(types(details)).toEqual(['status.details_updated'])
    expect(
      matches({ events: [], jurisdictions: [], include_descendants: false, subjects: [] }, refined[0]!, [
        'US-AL',
        'US',
      ]),
    ).toBe(false)
    void outbox
  })
})

describe('webhooks say the effective answer too', () => {
  it('sends "unknown, at least legal" for a state whose own rule became unconfirmed', () => {
    const t = testDb()
    registerOutbox(t.stores, { publicBaseUrl: 'https://kratomwatch.test' })
    const key = t.stores.keys.create('acme', false, t.clock().toISOString())
    const sub = t.stores.webhooks.create(
      'ep_ks',
      key.record.id,
      {
        url: 'https://hooks.example/k',
        description: null,
        events: [],
        jurisdictions: ['US-KS'],
        include_descendants: false,
        subjects: [],
      },
      'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHQ=',
      t.clock().toISOString(),
    )
    const obs = (jurisdiction: string, status: 'legal' | 'unknown', effective_date: string | null) =>
      Observation.parse({
        kind: 'status',
        jurisdiction,
        subject: 'kratom',
        status,
        citation: `${jurisdiction} test`,
        effective_date,
        source_url: 'https://example.gov/x',
        confidence: 'high',
      })
    t.engine.apply({
      source_id: 'curated-baseline',
      trust: 'curated',
      run_id: null,
      snapshot_id: null,
      observations: [obs('US', 'legal', null), obs('US-KS', 'legal', null), obs('US-KS', 'unknown', '2026-07-01')],
    })
    const payloads = t.stores.webhooks
      .deliveries(sub.id, { limit: 10 })
      .map((d) => JSON.parse(d.payload) as { data: { after: { status: string }; effective: unknown } })
    const last = payloads.find((p) => p.data.after.status === 'unknown')!
    expect(last.data.effective).toMatchObject({
      status: 'unknown',
      at_least: 'legal',
      decided_by: null,
      unconfirmed: true,
    })
  })
})

describe('a feed of changes in law', () => {
  it('answers the last year of changes in law with ?effective_from=', async () => {
    const body = await json('/changes?effective_from=2025-11-30&changes_in_law=true&limit=500')
    expect(body.items.length).toBeGreaterThan(0)
    for (const e of body.items) {
      expect(e.effective_date >= '2025-11-30').toBe(true)
      expect(['status.changed', 'status.corrected']).toContain(e.type)
    }
    const detected = await json('/changes?detected_from=2026-11-25&detected_to=2026-11-25&limit=5')
    for (const e of detected.items) expect(e.detected_at.slice(0, 10)).toBe('2026-11-25')
  })

  it('says what since wants when given a date', async () => {
    const res = await ctx.app.request('/changes?since=2025-11-30')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
      /event id cursor.*effective_from/,
    )
  })

  it('lists upcoming effective dates as JSON, the data of the calendar', async () => {
    const t = testDb()
    t.engine.apply({
      source_id: 'us-ga-test',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        Observation.parse({
          kind: 'status',
          jurisdiction: 'US-GA',
          subject: '7-oh',
          status: 'banned',
          citation: 'Test Act',
          effective_date: '2027-07-01',
          source_url: 'https://legis.ga.example/act',
          confidence: 'high',
        }),
      ],
    })
    const { app } = testApp(t)
    const res = await app.request('/upcoming?jurisdiction=US-GA')
    const body = (await res.json()) as {
      as_of: string
      items: { date: string; jurisdiction: string; status: string; kind: string }[]
    }
    expect(body.as_of).toBe('2026-11-25')
    expect(body.items).toMatchObject([{ date: '2027-07-01', jurisdiction: 'US-GA', status: 'banned', kind: 'status' }])
    const ics = await (await app.request('/calendar.ics?jurisdiction=US-GA')).text()
    expect(ics).toContain('DTSTART;VALUE=DATE:20270701')
  })
})
