import iconv from 'iconv-lite'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { BlockedError, FetchError } from '../../src/errors.js'
import { decodeBody } from '../../src/fetch/decode.js'
import { createFetcher, userAgent } from '../../src/fetch/fetcher.js'
import { createHttpClient, parseRetryAfter } from '../../src/fetch/http.js'
import { createHostPacer } from '../../src/fetch/polite.js'
import { silentLogger } from '../../src/log.js'
import { scrapingStore } from '../../src/db/stores/scraping.js'
import { testDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv, type FixtureServer } from '../helpers/fixture-server.js'

afterEach(closeFixtureServers)

const PAGE = 'https://law.example.gov/ch/1.htm'

function client(server: FixtureServer, extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  const sleeps: number[] = []
  const http = createHttpClient({
    userAgent: 'kratomwatch-test',
    timeoutMs: 2000,
    retries: 3,
    maxBytes: 100_000,
    originOverride: server.origin,
    backoffMs: 1,
    sleep: async (ms) => void sleeps.push(ms),
    ...extra,
  })
  return { http, sleeps }
}

describe('http client', () => {
  it('retries 5xx with backoff and then succeeds', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: '<p>ok</p>', headers: { 'content-type': 'text/html' } })
    server.fault(PAGE, { kind: 'status', status: 503, times: 2 })
    const { http, sleeps } = client(server)
    const res = await http.get({ url: PAGE })
    expect(res.body.toString()).toBe('<p>ok</p>')
    expect(server.hits(PAGE)).toBe(3)
    expect(sleeps).toHaveLength(2)
    expect(res.attempts).toBe(3)
  })

  it('gives up after its retries with a FetchError naming the status', async () => {
    const server = await fixtureServer()
    server.fault(PAGE, { kind: 'status', status: 500 })
    const { http } = client(server, { retries: 2 })
    const error = await http.get({ url: PAGE }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FetchError)
    expect(error).toMatchObject({ reason: 'http', status: 500 })
    expect(server.hits(PAGE)).toBe(3)
  })

  it('honours Retry-After on 429', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: 'fine' })
    server.fault(PAGE, { kind: 'retry-after', seconds: 7, times: 1 })
    const { http, sleeps } = client(server)
    expect((await http.get({ url: PAGE })).body.toString()).toBe('fine')
    expect(sleeps).toEqual([7000])
  })

  it('reports 429 that never ends as blocked', async () => {
    const server = await fixtureServer()
    server.fault(PAGE, { kind: 'retry-after', seconds: 1 })
    const { http } = client(server, { retries: 1 })
    await expect(http.get({ url: PAGE })).rejects.toBeInstanceOf(BlockedError)
  })

  it('times out a slow response and says so', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: 'late' })
    server.fault(PAGE, { kind: 'slow', ms: 1500 })
    const { http } = client(server, { timeoutMs: 150, retries: 0 })
    await expect(http.get({ url: PAGE })).rejects.toMatchObject({ reason: 'timeout' })
  })

  it('treats a truncated body as a failed fetch and retries it', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: 'y'.repeat(5000) })
    server.fault(PAGE, { kind: 'truncate', times: 1 })
    const { http } = client(server)
    const res = await http.get({ url: PAGE })
    expect(res.body.length).toBe(5000)
    expect(server.hits(PAGE)).toBe(2)
  })

  it('refuses a body over the size limit', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: 'z'.repeat(300_000) })
    const { http } = client(server)
    await expect(http.get({ url: PAGE })).rejects.toThrow(/exceeds the 100000-byte limit/)
  })

  it('follows redirects, up to a limit', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { status: 301, body: '', headers: { location: 'https://law.example.gov/ch/2.htm' } })
    server.set('https://law.example.gov/ch/2.htm', { body: 'moved here' })
    const { http } = client(server)
    const res = await http.get({ url: PAGE })
    expect(res.url).toBe('https://law.example.gov/ch/2.htm')
    expect(res.body.toString()).toBe('moved here')
    server.set('https://law.example.gov/loop', { status: 302, body: '', headers: { location: '/loop' } })
    await expect(http.get({ url: 'https://law.example.gov/loop' })).rejects.toThrow(/more than 5 redirects/)
  })

  it('sends conditional validators and reports 304 as not modified', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: 'same' })
    const { http } = client(server)
    const first = await http.get({ url: PAGE })
    const second = await http.get({ url: PAGE, etag: first.headers.get('etag') })
    expect(second.notModified).toBe(true)
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe(first.headers.get('etag'))
  })

  it('refuses 403 at once as blocked', async () => {
    const server = await fixtureServer()
    server.fault(PAGE, { kind: 'status', status: 403 })
    const { http } = client(server)
    await expect(http.get({ url: PAGE })).rejects.toBeInstanceOf(BlockedError)
    expect(server.hits(PAGE)).toBe(1)
  })

  it.each([
    ['120', 120_000],
    ['Wed, 25 Nov 2026 12:01:00 GMT', 60_000],
    ['soon', null],
  ])('parses Retry-After %s', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2026-11-25T12:00:00Z'))).toBe(ms)
  })
})

describe('decodeBody', () => {
  it('uses the Content-Type charset', () => {
    expect(decodeBody(iconv.encode('Año § 444.003', 'windows-1252'), 'text/html; charset=windows-1252')).toBe(
      'Año § 444.003',
    )
  })
  it('falls back to <meta charset> and strips a UTF-8 BOM', () => {
    const latin = Buffer.concat([Buffer.from('<meta charset="iso-8859-1">'), iconv.encode('§ é', 'latin1')])
    expect(decodeBody(latin, 'text/html')).toBe('<meta charset="iso-8859-1">§ é')
    expect(decodeBody(Buffer.from('\ufeffSec. 1', 'utf8'), 'text/html; charset=windows-1252')).toBe('Sec. 1')
  })
})

describe('host pacer', () => {
  it('runs one request per host at a time, hosts in parallel, with a delay between same-host requests', async () => {
    const sleeps: number[] = []
    const pacer = createHostPacer({ delayMs: 1000, concurrency: 4, sleep: async (ms) => void sleeps.push(ms) })
    const active = new Map<string, number>()
    let maxSame = 0
    let maxAll = 0
    const job = (host: string) => async () => {
      active.set(host, (active.get(host) ?? 0) + 1)
      maxSame = Math.max(maxSame, active.get(host)!)
      maxAll = Math.max(
        maxAll,
        [...active.values()].reduce((a, b) => a + b, 0),
      )
      await new Promise((r) => setTimeout(r, 5))
      active.set(host, active.get(host)! - 1)
    }
    await Promise.all([
      pacer.schedule('a', job('a')),
      pacer.schedule('a', job('a')),
      pacer.schedule('a', job('a')),
      pacer.schedule('b', job('b')),
    ])
    expect(maxSame).toBe(1)
    expect(maxAll).toBe(2)
    expect(sleeps).toHaveLength(2)
    for (const s of sleeps) expect(s).toBeGreaterThan(900)
  })
})

describe('fetcher', () => {
  it('obeys robots.txt, sending nothing to a forbidden URL', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: '<p>x</p>' })
    server.robots('law.example.gov', 'User-agent: *\nDisallow: /ch/\n')
    const t = testDb()
    const fetcher = createFetcher({
      config: loadConfig(scrapeTestEnv(server)),
      log: silentLogger,
      store: scrapingStore(t.db),
      clock: t.clock,
    })
    await expect(
      fetcher.fetch({ kind: 'html', url: PAGE, recordUrl: PAGE }, { conditional: false }),
    ).rejects.toBeInstanceOf(BlockedError)
    expect(server.hits(PAGE)).toBe(0)
    // cached per origin in the database
    expect(scrapingStore(t.db).robots('https://law.example.gov')?.body).toContain('Disallow: /ch/')
  })

  it('asks a site for robots.txt once when several of its pages are fetched at once', async () => {
    const server = await fixtureServer()
    const pages = [1, 2, 3, 4].map((n) => `https://law.example.gov/page-${n}.htm`)
    for (const page of pages) server.set(page, { body: '<p>x</p>' })
    server.robots('law.example.gov', 'User-agent: *\nAllow: /\n')
    const t = testDb()
    const fetcher = createFetcher({
      config: loadConfig(scrapeTestEnv(server)),
      log: silentLogger,
      store: scrapingStore(t.db),
      clock: t.clock,
    })
    await Promise.all(pages.map((url) => fetcher.fetch({ kind: 'html', url, recordUrl: url }, { conditional: false })))
    expect(server.hits('https://law.example.gov/robots.txt')).toBe(1)
  })

  it('fetches nothing while robots.txt is unreachable, and says so instead of blaming robots.txt', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: '<p>x</p>' })
    server.set('https://law.example.gov/robots.txt', { status: 503, body: 'down' })
    const t = testDb()
    const fetcher = createFetcher({
      config: loadConfig({ ...scrapeTestEnv(server), FETCH_RETRIES: '0' }),
      log: silentLogger,
      store: scrapingStore(t.db),
      clock: t.clock,
    })
    const error = await fetcher
      .fetch({ kind: 'html', url: PAGE, recordUrl: PAGE }, { conditional: false })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FetchError)
    expect(error).toMatchObject({
      reason: 'http',
      message: expect.stringMatching(/could not read robots\.txt of law\.example\.gov/),
    })
    expect(server.hits(PAGE)).toBe(0)
  })

  it('sends a User-Agent with the contact URL', async () => {
    const server = await fixtureServer()
    server.set(PAGE, { body: '<p>x</p>' })
    const t = testDb()
    const config = loadConfig(scrapeTestEnv(server, { USER_AGENT_CONTACT: 'https://example.org/contact' }))
    const fetcher = createFetcher({ config, log: silentLogger, store: scrapingStore(t.db), clock: t.clock })
    await fetcher.fetch({ kind: 'html', url: PAGE, recordUrl: PAGE }, { conditional: false })
    expect(server.requests.at(-1)!.headers['user-agent']).toBe(userAgent(config))
    expect(userAgent(config)).toContain('https://example.org/contact')
  })
})
