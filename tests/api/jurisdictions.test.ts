import { beforeAll, describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { baselineApp, testApp, testDb } from '../helpers/db.js'

// One database with the real curated baseline for the read-only tests of this file.
let ctx: ReturnType<typeof testApp>
beforeAll(() => {
  ctx = baselineApp()
})

const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers })

describe('GET /jurisdictions/:code', () => {
  it("answers Alabama's current status with citation, sources and history link", async () => {
    const res = await get('/jurisdictions/US-AL')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    const body = await res.json()
    expect(body).toMatchObject({
      code: 'US-AL',
      name: 'Alabama',
      level: 'state',
      parent: 'US',
      ocd_id: 'ocd-division/country:us/state:al',
    })
    const kratom = body.subjects.kratom
    expect(kratom.own).toMatchObject({ status: 'banned', effective_date: expect.stringMatching(/^2016-/) })
    expect(kratom.own.citation).toMatch(/20-2-23/)
    expect(kratom.own.sources[0].url).toMatch(/^https:/)
    expect(kratom.own.confidence).toMatch(/high|medium|low/)
    expect(kratom.own.verified_at).toBeTruthy()
    expect(kratom.effective).toMatchObject({ status: 'banned', decided_by: 'US-AL' })
    expect(kratom.timeline.map((r: { status: string }) => r.status)).toEqual(['legal', 'banned'])
    expect(body.links.history).toBe('/jurisdictions/US-AL/history')
  })

  it('shows the San Diego city ban over a state with no ban, with the chain that explains it', async () => {
    const body = await (await get('/jurisdictions/us-ca-san-diego')).json()
    const e = body.subjects.kratom.effective
    expect(e.status).toBe('banned')
    expect(e.decided_by).toBe('US-CA-SAN-DIEGO')
    expect(e.chain.map((l: { code: string }) => l.code)).toEqual(['US', 'US-CA', 'US-CA-SAN-DIEGO'])
    const ca = e.chain[1]
    expect(['legal', 'regulated', 'restricted']).toContain(ca.status)
    expect(e.chain[2]).toMatchObject({ status: 'banned', applied: true })
    expect(body.ancestors.map((a: { code: string }) => a.code)).toEqual(['US', 'US-CA'])
  })

  it('answers as of a past date with ?at=', async () => {
    const before = await (await get('/jurisdictions/US-AL?at=2015-01-01')).json()
    expect(before.as_of).toBe('2015-01-01')
    expect(before.subjects.kratom.own.status).toBe('legal')
    expect(before.subjects.kratom.upcoming[0]).toMatchObject({ status: 'banned' })
    const after = await (await get('/jurisdictions/US-AL?at=2020-06-01')).json()
    expect(after.subjects.kratom.own.status).toBe('banned')
  })

  it('treats codes case-insensitively and trims them', async () => {
    expect((await get('/jurisdictions/us-al')).status).toBe(200)
    expect((await get('/jurisdictions/%20US-al%20')).status).toBe(200)
  })

  it('answers 404 problem+json for an unknown code', async () => {
    const res = await get('/jurisdictions/US-ZZ')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(await res.json()).toMatchObject({
      status: 404,
      type: expect.stringMatching(/not-found$/),
      detail: expect.stringContaining('US-ZZ'),
      instance: '/jurisdictions/US-ZZ',
    })
  })

  it.each([
    ['/jurisdictions/U$-AL', 'code'],
    ['/jurisdictions/US-AL?at=2026-02-30', 'at'],
    ['/jurisdictions/US-AL?at=yesterday', 'at'],
    ['/jurisdictions/US-AL?unexpected=1', 'query'],
    ['/jurisdictions?level=planet', 'level'],
    ['/jurisdictions?limit=0', 'limit'],
    ['/jurisdictions?limit=abc', 'limit'],
    ['/jurisdictions/US-AL/history?cursor=-3', 'cursor'],
  ])('answers 400 naming the field for %s', async (path, field) => {
    const res = await get(path)
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.type).toMatch(/invalid-input$/)
    expect(JSON.stringify(body.errors)).toContain(field === 'query' ? '' : field)
    expect(body.detail).toBeTruthy()
  })

  it('sends an ETag and Cache-Control, and answers 304 to a matching If-None-Match', async () => {
    const res = await get('/jurisdictions/US-AL')
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(/^"/)
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/)
    const again = await get('/jurisdictions/US-AL', { 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect((await get('/jurisdictions/US-AK')).headers.get('etag')).not.toBe(etag)
  })

  it('changes the ETag when the data changes', async () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    const { app } = testApp(t)
    const first = (await app.request('/jurisdictions/US-AL')).headers.get('etag')
    t.engine.apply({
      source_id: 'test',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        {
          kind: 'status',
          jurisdiction: 'US-AL',
          subject: 'kratom',
          status: 'regulated',
          min_age: 21,
          conditions: [],
          citation: 'Act 2026-1',
          effective_date: '2026-10-01',
          summary: 'test',
          source_url: 'https://alison.legislature.state.al.us/',
          confidence: 'high',
          preempts_local: false,
        },
      ],
    })
    const res = await app.request('/jurisdictions/US-AL')
    expect(res.headers.get('etag')).not.toBe(first)
    expect((await res.json()).subjects.kratom.own.status).toBe('regulated')
  })
})

describe('GET /jurisdictions', () => {
  it('lists places with filters and keyset pagination', async () => {
    const first = await (await get('/jurisdictions?parent=US&limit=20')).json()
    expect(first.items).toHaveLength(20)
    expect(first.items[0]).toMatchObject({ code: 'US-AK', level: 'state' })
    const second = await (await get(`/jurisdictions?parent=US&limit=20&cursor=${first.next_cursor}`)).json()
    expect(second.items[0].code > first.items[19].code).toBe(true)
    const all = await (await get('/jurisdictions?parent=US&limit=500')).json()
    expect(all.items.length).toBeGreaterThanOrEqual(57)
    expect(all.next_cursor).toBeNull()
  })

  it('filters by effective status of a subject', async () => {
    const banned = await (await get('/jurisdictions?parent=US&subject=kratom&status=banned&limit=500')).json()
    const codes = banned.items.map((i: { code: string }) => i.code)
    expect(codes).toContain('US-AL')
    expect(banned.items.every((i: { status: string }) => i.status === 'banned')).toBe(true)
    const cities = await (await get('/jurisdictions?level=city&limit=500')).json()
    expect(cities.items.map((i: { code: string }) => i.code)).toContain('US-CA-SAN-DIEGO')
  })

  it('answers 404 for an unknown subject', async () => {
    expect((await get('/jurisdictions?subject=coffee')).status).toBe(404)
  })
})

describe('GET /jurisdictions/:code/history', () => {
  it('pages change events newest first with a cursor', async () => {
    const page1 = await (await get('/jurisdictions/TH/history?limit=2')).json()
    expect(page1.items).toHaveLength(2)
    expect(page1.next_cursor).toBeTruthy()
    const page2 = await (await get(`/jurisdictions/TH/history?limit=2&cursor=${page1.next_cursor}`)).json()
    expect(page2.items[0].id).toBeLessThan(page1.items[1].id)
    expect(page1.items[0]).toMatchObject({ jurisdiction: 'TH', type: expect.stringMatching(/^status\./) })
    expect(page1.items[0].after.citation).toBeTruthy()
  })

  it('answers 404 for an unknown place', async () => {
    expect((await get('/jurisdictions/XX-NOPE/history')).status).toBe(404)
  })
})
