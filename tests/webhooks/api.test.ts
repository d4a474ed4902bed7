import { describe, expect, it } from 'vitest'
import { testApp, testDb } from '../helpers/db.js'

const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }
const HOOK = 'http://127.0.0.1:9/hook'

function setup(env: Record<string, string> = {}) {
  const t = testApp(testDb(), { ...ENV, ...env })
  const now = t.clock().toISOString()
  const alice = t.stores.keys.create('alice', false, now).key
  const bob = t.stores.keys.create('bob', false, now).key
  const admin = t.stores.keys.create('ops', true, now).key
  const call = (key: string | null, method: string, path: string, body?: unknown) =>
    t.app.request(path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  return { ...t, alice, bob, admin, call }
}

describe('POST /webhooks', () => {
  it('creates a subscription and shows its whsec_ secret once', async () => {
    const t = setup()
    const res = await t.call(t.alice, 'POST', '/webhooks', {
      url: HOOK,
      events: ['status.changed'],
      jurisdictions: ['us-ca'],
      include_descendants: true,
      subjects: ['kratom'],
      description: 'compliance',
    })
    expect(res.status).toBe(201)
    const created = (await res.json()) as Record<string, unknown>
    expect(created).toMatchObject({
      url: HOOK,
      events: ['status.changed'],
      jurisdictions: ['US-CA'],
      include_descendants: true,
      subjects: ['kratom'],
      enabled: true,
      description: 'compliance',
    })
    expect(created.id).toMatch(/^ep_/)
    expect(created.secret).toMatch(/^whsec_/)
    expect(res.headers.get('location')).toBe(`/webhooks/${String(created.id)}`)
    const again = (await (await t.call(t.alice, 'GET', `/webhooks/${String(created.id)}`)).json()) as Record<
      string,
      unknown
    >
    expect(again.secret).toBeUndefined()
    expect(JSON.stringify(again)).not.toContain('whsec_')
  })

  it('needs an API key', async () => {
    const t = setup()
    expect((await t.call(null, 'POST', '/webhooks', { url: HOOK })).status).toBe(401)
    expect((await t.call('kw_00000000_nope', 'GET', '/webhooks')).status).toBe(401)
  })

  it.each([
    [{ url: HOOK, jurisdictions: ['US', 'US-ZZ'] }, 'jurisdictions.1', /unknown jurisdiction "US-ZZ"/],
    [{ url: HOOK, events: ['status.exploded'] }, 'events.0', /./],
    [{ url: HOOK, subjects: ['coffee'] }, 'subjects.0', /unknown subject "coffee"/],
    [{ url: HOOK, colour: 'red' }, 'json', /colour/],
    [{ url: 'http://10.0.0.5/hook' }, 'url', /private/],
    [{ url: 'http://169.254.169.254/latest/meta-data' }, 'url', /metadata/],
    [{ url: 'http://[::ffff:7f00:2]:8080/' }, 'url', /127\.0\.0\.2 is a loopback/],
    [{ url: 'http://user:pw@127.0.0.1/hook' }, 'url', /credentials/],
    [{ url: 'http://[::7f00:1]/' }, 'url', /embedding the IPv4 address 127\.0\.0\.1/],
    [{ url: 'http://[::a9fe:a9fe]/' }, 'url', /embedding the IPv4 address 169\.254\.169\.254/],
    [{ url: 'http://127.0.0.1:9/a\r\nX-Injected: 1' }, 'url', /control character U\+000D at position 20/],
    [{ url: 'http://127.0.0.1:9/a\tb' }, 'url', /control character U\+0009/],
    [{ url: 'http://127.0.0.1:9/a\u0000' }, 'url', /control character U\+0000/],
  ])('answers 400 naming the field for %j', async (body, field, message) => {
    const t = setup()
    const res = await t.call(t.alice, 'POST', '/webhooks', body)
    expect(res.status).toBe(400)
    const problem = (await res.json()) as { errors: { field: string; message: string }[] }
    const issue = problem.errors.find((e) => e.field === field)
    expect(issue, JSON.stringify(problem.errors)).toBeDefined()
    expect(issue!.message).toMatch(message)
  })

  it('refuses http:// unless configured, and loopback unless allowlisted', async () => {
    const t = setup({ WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOWED_HOSTS: '' })
    const http = await t.call(t.alice, 'POST', '/webhooks', { url: 'http://93.184.216.34/hook' })
    expect(http.status).toBe(400)
    // The 400s name the setting that would allow it, so a developer testing locally knows what to change.
    expect(JSON.stringify(await http.json())).toMatch(/must use https.*WEBHOOK_ALLOW_HTTP=true/)
    const loop = await t.call(t.alice, 'POST', '/webhooks', { url: 'https://127.0.0.1/hook' })
    expect(JSON.stringify(await loop.json())).toMatch(/loopback.*WEBHOOK_ALLOWED_HOSTS=127\.0\.0\.1/)
  })

  it('says what format recover wants for since', async () => {
    const t = setup()
    const sub = (await (await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).json()) as { id: string }
    const res = await t.call(t.alice, 'POST', `/webhooks/${sub.id}/recover`, { since: 'last tuesday' })
    expect(res.status).toBe(400)
    const problem = (await res.json()) as { errors: { field: string; message: string }[] }
    expect(problem.errors).toEqual([
      { field: 'since', message: expect.stringMatching(/2026-11-01.*2026-11-01T08:00:00Z/) },
    ])
    expect(
      (await t.call(t.alice, 'POST', `/webhooks/${sub.id}/recover`, { since: '2026-11-01T08:00:00Z' })).status,
    ).toBe(202)
  })
})

describe('webhook URL normalisation', () => {
  it('stores the URL as the WHATWG parser serialises it, on create and on patch', async () => {
    const t = setup()
    const res = await t.call(t.alice, 'POST', '/webhooks', { url: 'HTTP://127.0.0.1:9/a b/../c?x=ü' })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: string; url: string }
    expect(created.url).toBe('http://127.0.0.1:9/c?x=%C3%BC')
    expect(((await (await t.call(t.alice, 'GET', `/webhooks/${created.id}`)).json()) as { url: string }).url).toBe(
      'http://127.0.0.1:9/c?x=%C3%BC',
    )
    const patched = await t.call(t.alice, 'PATCH', `/webhooks/${created.id}`, { url: 'http://127.0.0.1:9/./d/%7e' })
    expect(((await patched.json()) as { url: string }).url).toBe('http://127.0.0.1:9/d/%7e')
  })
})

describe('webhook ownership', () => {
  it('lets a key see, change and delete only its own subscriptions: 404, not 403, for another key', async () => {
    const t = setup()
    const mine = (await (await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).json()) as { id: string }
    await t.call(t.bob, 'POST', '/webhooks', { url: HOOK, description: 'bob' })

    const list = (await (await t.call(t.bob, 'GET', '/webhooks')).json()) as {
      items: { id: string; description: string }[]
    }
    expect(list.items.map((i) => i.description)).toEqual(['bob'])
    for (const [method, path, body] of [
      ['GET', `/webhooks/${mine.id}`],
      ['PATCH', `/webhooks/${mine.id}`, { description: 'stolen' }],
      ['DELETE', `/webhooks/${mine.id}`],
      ['POST', `/webhooks/${mine.id}/rotate-secret`],
      ['POST', `/webhooks/${mine.id}/ping`],
      ['GET', `/webhooks/${mine.id}/deliveries`],
      ['POST', `/webhooks/${mine.id}/recover`, { since: '2026-01-01' }],
    ] as const) {
      const res = await t.call(t.bob, method, path, body)
      expect(res.status, `${method} ${path}`).toBe(404)
    }
    expect(t.stores.webhooks.get(mine.id)).toMatchObject({ description: null })
    expect((await t.call(t.alice, 'GET', `/webhooks/${mine.id}`)).status).toBe(200)
    // The same answer as for an id that does not exist at all.
    expect((await t.call(t.bob, 'GET', '/webhooks/ep_doesnotexist')).status).toBe(404)
  })

  it('lets an admin key see every subscription', async () => {
    const t = setup()
    const mine = (await (await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).json()) as { id: string }
    await t.call(t.bob, 'POST', '/webhooks', { url: HOOK })
    const all = (await (await t.call(t.admin, 'GET', '/webhooks')).json()) as { items: unknown[] }
    expect(all.items).toHaveLength(2)
    expect((await t.call(t.admin, 'GET', `/webhooks/${mine.id}`)).status).toBe(200)
  })

  it('deletes a subscription', async () => {
    const t = setup()
    const mine = (await (await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).json()) as { id: string }
    expect((await t.call(t.alice, 'DELETE', `/webhooks/${mine.id}`)).status).toBe(204)
    expect((await t.call(t.alice, 'GET', `/webhooks/${mine.id}`)).status).toBe(404)
  })
})

describe('PATCH /webhooks/:id', () => {
  it('changes filters, disables and re-enables with the reason visible', async () => {
    const t = setup()
    const { id } = (await (await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).json()) as { id: string }
    const patched = (await (
      await t.call(t.alice, 'PATCH', `/webhooks/${id}`, { subjects: ['7-oh'], enabled: false })
    ).json()) as Record<string, unknown>
    expect(patched).toMatchObject({ subjects: ['7-oh'], enabled: false, url: HOOK })
    expect(patched.disabled_reason).toMatch(/disabled by key/)
    const back = (await (await t.call(t.alice, 'PATCH', `/webhooks/${id}`, { enabled: true })).json()) as Record<
      string,
      unknown
    >
    expect(back).toMatchObject({ enabled: true, disabled_reason: null })
    expect((await t.call(t.alice, 'PATCH', `/webhooks/${id}`, { url: 'http://192.168.0.1/' })).status).toBe(400)
  })
})

describe('write rate limit', () => {
  it('answers 429 with Retry-After once a key spends its burst, per key, and refills over time', async () => {
    const t = setup({ WRITE_RATE_PER_MINUTE: '6', WRITE_RATE_BURST: '3' })
    for (let i = 0; i < 3; i++) expect((await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).status).toBe(201)
    const limited = await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('10')
    expect(limited.headers.get('content-type')).toMatch(/problem\+json/)
    // Reads are not limited, and another key has its own bucket.
    expect((await t.call(t.alice, 'GET', '/webhooks')).status).toBe(200)
    expect((await t.call(t.bob, 'POST', '/webhooks', { url: HOOK })).status).toBe(201)
    t.clock.set(new Date(t.clock().getTime() + 10_000).toISOString())
    expect((await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).status).toBe(201)
  })
})

describe('POST /webhooks/:id/rotate-secret', () => {
  it('returns a new secret and keeps the old one signing for 24 hours', async () => {
    const t = setup()
    const created = (await (await t.call(t.alice, 'POST', '/webhooks', { url: HOOK })).json()) as {
      id: string
      secret: string
    }
    const rotated = (await (await t.call(t.alice, 'POST', `/webhooks/${created.id}/rotate-secret`)).json()) as {
      secret: string
      previous_secrets_expire_at: string
    }
    expect(rotated.secret).toMatch(/^whsec_/)
    expect(rotated.secret).not.toBe(created.secret)
    const now = t.clock().getTime()
    expect(rotated.previous_secrets_expire_at).toBe(new Date(now + 86_400_000).toISOString())
    expect(t.stores.webhooks.secrets(created.id, new Date(now + 3_600_000).toISOString())).toEqual([
      rotated.secret,
      created.secret,
    ])
    expect(t.stores.webhooks.secrets(created.id, new Date(now + 86_400_000).toISOString())).toEqual([rotated.secret])
  })
})
