import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import type { FixtureCase } from '../../src/scraping/fixtures.js'

export interface FixtureResponse {
  status?: number
  body: string | Buffer
  headers?: Record<string, string>
}

/** Faults the server can inject for one URL. `times` = how many requests it affects (default: all). */
export type Fault =
  | { kind: 'status'; status: number; times?: number }
  | { kind: 'retry-after'; seconds: number; times?: number }
  | { kind: 'slow'; ms: number; times?: number }
  /** The request waits until `release(url)` (or the server closes), then is served as usual. */
  | { kind: 'hold'; times?: number }
  | { kind: 'truncate'; times?: number }
  | { kind: 'bot-wall'; times?: number }

export interface RequestLog {
  host: string
  path: string
  headers: IncomingMessage['headers']
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
  xml: 'application/xml',
  txt: 'text/plain',
}

/** A Cloudflare-style interstitial, as served to bots (shape seen 2026). */
export const BOT_WALL_HTML = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="refresh" content="390"></head>
<body><div class="main-wrapper"><h1>Checking if the site connection is secure</h1><div id="challenge-stage"></div>
<form id="challenge-form" action="/?__cf_chl_f_tk=x" method="POST"></form></div></body></html>`

const servers: { close(): Promise<void> }[] = []

/** Closes every fixture server started so far; tests call it in `afterEach`. */
export async function closeFixtureServers(): Promise<void> {
  while (servers.length) await servers.pop()!.close()
}

/** The key a request is served under: original host + path + query. */
function keyOf(url: string): string {
  const u = new URL(url)
  return `${u.host}${u.pathname}${u.search}`
}

/**
 * A local HTTP server on 127.0.0.1 standing in for every source host: the fetch layer's origin
 * override sends requests here with the real host in `x-original-host`. Serves fixture files by
 * their real URL, answers conditional GETs, and injects faults. Works outside vitest too (scripts/serve-fixtures.ts).
 */
export async function fixtureServer(port = 0) {
  const routes = new Map<string, FixtureResponse>()
  const faults = new Map<string, Fault>()
  const requests: RequestLog[] = []
  const held = new Map<string, (() => void)[]>()
  const release = (key: string) => {
    for (const resume of held.get(key) ?? []) resume()
    held.delete(key)
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const host = String(req.headers['x-original-host'] ?? req.headers.host)
    const path = req.url ?? '/'
    requests.push({ host, path, headers: req.headers })
    const key = `${host}${path}`
    const fault = faults.get(key)
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults.delete(key)
      switch (fault.kind) {
        case 'status':
          res
            .writeHead(fault.status, { 'content-type': 'text/html' })
            .end(`<html><head><title>Error ${fault.status}</title></head><body>error</body></html>`)
          return
        case 'retry-after':
          res.writeHead(429, { 'retry-after': String(fault.seconds), 'content-type': 'text/plain' }).end('slow down')
          return
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, fault.ms))
          break
        case 'hold':
          await new Promise<void>((resume) => held.set(key, [...(held.get(key) ?? []), resume]))
          break
        case 'bot-wall':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BOT_WALL_HTML)
          return
        case 'truncate': {
          const r = routes.get(key)
          const body = Buffer.from(r?.body ?? 'x'.repeat(2000))
          res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(body.length) })
          res.write(body.subarray(0, Math.floor(body.length / 2)))
          setTimeout(() => res.socket?.destroy(), 10)
          return
        }
      }
    }
    const route = routes.get(key)
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    const body = Buffer.from(route.body)
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`
    if ((route.status ?? 200) === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end()
      return
    }
    res.writeHead(route.status ?? 200, { 'content-length': String(body.length), etag, ...route.headers })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const server = createServer((req, res) => void handler(req, res))
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.address() as AddressInfo).port
  const api = {
    origin: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    /** Serves `response` at a real source URL. */
    set(url: string, response: FixtureResponse) {
      routes.set(keyOf(url), response)
    },
    /** Serves a file at a real source URL (type from its extension). */
    file(url: string, path: string, headers: Record<string, string> = {}) {
      const ext = path.split('.').pop()!
      routes.set(keyOf(url), {
        body: readFileSync(path),
        headers: { 'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream', ...headers },
      })
    },
    /** Serves every source of a scraper from one fixture case. */
    serveCase(def: Pick<ScraperDefinition, 'sources'>, fixture: FixtureCase, fill: (url: string) => string = (u) => u) {
      for (const [name, path] of Object.entries(fixture.files)) api.file(fill(def.sources[name]!.url), path)
    },
    /**
     * Serves the followed sources of a case (scrapers with `follow`), as a first run asks for them;
     * returns them (file null = not served, so a 404). A no-op for scrapers without `follow`.
     */
    async serveFollowed(def: ScraperDefinition, fixture: FixtureCase, fill: (url: string) => string = (u) => u) {
      const { followedFixtures } = await import('../../src/scraping/fixtures.js')
      const followed = await followedFixtures(def, fixture)
      for (const f of followed) if (f.file) api.file(fill(f.source.url), f.file)
      return followed
    },
    /** A robots.txt for a host (default: 404, which allows everything). */
    robots(host: string, body: string) {
      routes.set(`${host}/robots.txt`, { body, headers: { 'content-type': 'text/plain' } })
    },
    fault(url: string, fault: Fault) {
      faults.set(keyOf(url), fault)
    },
    clearFaults() {
      faults.clear()
    },
    /** Lets the requests a `hold` fault keeps waiting for `url` go on. */
    release(url: string) {
      release(keyOf(url))
    },
    hits: (url: string) => requests.filter((r) => `${r.host}${r.path}` === keyOf(url)).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const key of [...held.keys()]) release(key)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  servers.push(api)
  return api
}
export type FixtureServer = Awaited<ReturnType<typeof fixtureServer>>

/** Configuration for tests of the scraping framework: every fetch goes to `server`, no politeness delay, fast retries. */
export function scrapeTestEnv(server: { origin: string }, env: Record<string, string> = {}): Record<string, string> {
  return {
    FETCH_ORIGIN_OVERRIDE: server.origin,
    FETCH_HOST_DELAY_MS: '0',
    FETCH_RETRIES: '2',
    FETCH_TIMEOUT_MS: '3000',
    SCHEDULER_ENABLED: 'false',
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
    ...env,
  }
}

/**
 * Runs one scraper on one of its fixture cases through the real fetch layer and run pipeline
 * (fixture server, temp database with every known place but no statuses) and returns the run result.
 * For per-scraper tests.
 */
export async function scrapeFixture(def: ScraperDefinition, caseName: string) {
  // Imported lazily: this module also serves scripts/serve-fixtures.ts, outside vitest.
  const [
    { loadConfig },
    { fixtureCase },
    { resolveUrl },
    { createScrapingService },
    { silentLogger },
    { testDb },
    { readDataset },
  ] = await Promise.all([
    import('../../src/config.js'),
    import('../../src/scraping/fixtures.js'),
    import('../../src/scraping/run.js'),
    import('../../src/scraping/service.js'),
    import('../../src/log.js'),
    import('./db.js'),
    import('../../src/baseline/load.js'),
  ])
  const fixture = fixtureCase(def, caseName)
  const server = await fixtureServer()
  const t = testDb()
  // The dataset's counties and cities too (testDb seeds only the built-in ISO places), as in production.
  t.stores.jurisdictions.upsert(readDataset().jurisdictions, 'dataset')
  const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
  server.serveCase(def, fixture, (u) => resolveUrl(u, config).url)
  await server.serveFollowed(def, fixture, (u) => resolveUrl(u, config).url)
  const service = await createScrapingService({
    config,
    stores: t.stores,
    engine: t.engine,
    clock: t.clock,
    log: silentLogger,
    registry: [{ def, file: '', region: '', disabled: null }],
    httpBackoffMs: 5,
  })
  try {
    return { ...(await service.runner.run(def, { trigger: 'test' })), db: t }
  } finally {
    await service.stop(0)
    await server.close()
  }
}
