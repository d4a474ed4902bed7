import { beforeAll, describe, expect, it } from 'vitest'
import { baselineApp, type testApp } from '../helpers/db.js'

let ctx: ReturnType<typeof testApp>
beforeAll(() => {
  ctx = baselineApp()
})
const json = async (path: string) => {
  const res = await ctx.app.request(path)
  return { status: res.status, body: await res.json() }
}

describe('GET /changes', () => {
  it('pages the global feed oldest first with a since cursor', async () => {
    const { body: first } = await json('/changes?limit=5')
    expect(first.items).toHaveLength(5)
    expect(first.items.map((e: { id: number }) => e.id)).toEqual([1, 2, 3, 4, 5])
    const { body: next } = await json(`/changes?limit=5&since=${first.next_cursor}`)
    expect(next.items[0].id).toBe(6)
  })

  it('returns the same cursor when there is nothing new, so a poller can keep it', async () => {
    const { body: all } = await json('/changes?limit=500')
    let cursor = all.next_cursor
    for (;;) {
      const { body } = await json(`/changes?limit=500&since=${cursor}`)
      if (!body.items.length) {
        expect(body.next_cursor).toBe(String(cursor))
        break
      }
      cursor = body.next_cursor
    }
  })

  it('filters by jurisdiction (with descendants), subject and type', async () => {
    const { body: ca } = await json('/changes?jurisdiction=us-ca&include_descendants=true&subject=kratom&limit=500')
    const places = new Set(ca.items.map((e: { jurisdiction: string }) => e.jurisdiction))
    expect(places.has('US-CA')).toBe(true)
    expect(places.has('US-CA-SAN-DIEGO')).toBe(true)
    expect(ca.items.every((e: { subject: string }) => e.subject === 'kratom')).toBe(true)
    const { body: own } = await json('/changes?jurisdiction=US-CA&limit=500')
    expect(new Set(own.items.map((e: { jurisdiction: string }) => e.jurisdiction))).toEqual(new Set(['US-CA']))
    const { body: typed } = await json('/changes?type=status.scheduled,measure.updated&limit=500')
    expect(typed.items.every((e: { type: string }) => ['status.scheduled', 'measure.updated'].includes(e.type))).toBe(
      true,
    )
  })

  it.each([
    ['/changes?type=status.exploded', 'type'],
    ['/changes?since=-1', 'since'],
    ['/changes?jurisdiction=not a code', 'jurisdiction'],
    ['/changes?include_descendants=yes', 'include_descendants'],
  ])('answers 400 naming the field for %s', async (path, field) => {
    const { status, body } = await json(path)
    expect(status).toBe(400)
    expect(body.errors.map((e: { field: string }) => e.field).join(' ')).toContain(field)
  })

  it('sends a browser to the HTML page with the same filters, and keeps JSON for API clients', async () => {
    const res = await ctx.app.request('/changes?subject=kratom', {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/changes.html?subject=kratom')
    const api = await ctx.app.request('/changes?subject=kratom', { headers: { accept: 'application/json' } })
    expect(api.status).toBe(200)
    expect(api.headers.get('vary')).toMatch(/accept/i)
  })

  it('answers 404 for an unknown jurisdiction filter', async () => {
    expect((await json('/changes?jurisdiction=US-ZZ')).status).toBe(404)
  })
})

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await json('/healthz')).toEqual({ status: 200, body: { status: 'ok' } })
    const ready = await json('/readyz')
    expect(ready.status).toBe(200)
    expect(ready.body.jurisdictions).toBeGreaterThan(300)
  })

  it('answers an unknown route with a 404 problem', async () => {
    const res = await ctx.app.request('/nope')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/problem\+json/)
  })

  it('echoes a request id on success, 404 and 400 alike', async () => {
    for (const path of ['/jurisdictions/US-AL', '/nope', '/jurisdictions/US-AL?at=x']) {
      const res = await ctx.app.request(path, { headers: { 'x-request-id': 'trace-123' } })
      expect(res.headers.get('x-request-id'), path).toBe('trace-123')
    }
    const body = await (
      await ctx.app.request('/jurisdictions/US-AL?at=x', { headers: { 'x-request-id': 'trace-456' } })
    ).json()
    expect(body.request_id).toBe('trace-456')
  })
})
