import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js'
import { createReadCache, dayOf, entryLimit } from './cache.js'
import type { AppDeps, AppEnv } from './env.js'
import { problem, problemResponse } from './problem.js'
import { changes } from './routes/changes.js'
import { docsRoutes } from './routes/docs.js'
import { feeds } from './routes/feeds.js'
import { health } from './routes/health.js'
import { canonicalViewCode, jurisdictions, viewKey } from './routes/jurisdictions.js'
import { pages } from './routes/pages.js'
import { webhooks } from './routes/webhooks.js'
import { metricsRoutes } from './routes/metrics.js'
import { reviews } from './routes/reviews.js'
import { scrapers } from './routes/scrapers.js'
import { httpMetrics, metrics } from '../metrics.js'

/** The largest request body accepted (every write takes a small JSON object). */
export const MAX_BODY_BYTES = 64 * 1024

/** True when a request carries a body (a stream whose declared length, if any, is above zero). */
const hasBody = (req: Request) =>
  req.body !== null && (req.headers.has('transfer-encoding') || req.headers.get('content-length') !== '0')

/** The request id: the caller's X-Request-Id (at most 64 characters), else a new UUID. */
const requestIdOf = (given: string | undefined): string => given?.slice(0, 64) || randomUUID()

/** Builds the HTTP app over its dependencies. The only place routes are mounted. */
export function createApp(deps: AppDeps) {
  const maxBytes = deps.config.READ_CACHE_MAX_MB * 1024 * 1024
  const cache = createReadCache({ maxBytes, maxEntryBytes: entryLimit(maxBytes) })
  const app = new Hono<AppEnv>()
  app.use(httpMetrics())
  app.use(async (c, next) => {
    const requestId = requestIdOf(c.req.header('x-request-id'))
    c.set('requestId', requestId)
    c.set('deps', deps)
    c.set('cachedJson', cache.json)
    c.set('cachedText', cache.text)
    // Set before the response exists: setting a header on a finished response makes @hono/node-server
    // build a full web Response with a stream body, which cost ~3x throughput (CPU profile, 2026-11).
    c.header('x-request-id', requestId)
    await next()
    if (c.error || c.res.status === 404) c.res.headers.set('x-request-id', requestId)
  })
  // Bodies: at most MAX_BODY_BYTES (413 before reading more: a declared length is refused at once,
  // a chunked body as soon as it passes the limit), and JSON only (415 naming what was sent).
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new PayloadTooLargeError(
        `the request body is larger than ${MAX_BODY_BYTES} bytes; send the JSON object the route documents (see /docs).`,
      )
    },
  })
  // Reads carry no body: skipping these checks by method avoids touching c.req.raw, which makes @hono/node-server
  // build a full web Request on every GET (the read path's largest cost after the merge of issues 10 and 14, 2026-11).
  const readOnly = (method: string) => method === 'GET' || method === 'HEAD'
  app.use((c, next) => (readOnly(c.req.method) ? next() : limitBody(c, next)))
  app.use(async (c, next) => {
    if (!readOnly(c.req.method) && hasBody(c.req.raw)) {
      const type = c.req.header('content-type') ?? ''
      if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
        const given = type ? `"${type.split(';')[0]!.trim()}"` : 'sent without a Content-Type'
        throw new UnsupportedMediaTypeError(
          `the request body is ${given}; send JSON with "Content-Type: application/json".`,
        )
      }
    }
    await next()
  })
  app.route('/', health)
  app.route('/jurisdictions', jurisdictions)
  app.route('/changes', changes)
  app.route('/webhooks', webhooks)
  app.route('/scrapers', scrapers)
  app.route('/reviews', reviews)
  app.route('/', metricsRoutes)
  app.route('/', feeds)
  app.route('/', docsRoutes)
  app.route('/', pages)
  app.notFound((c) =>
    problem(c, 404, 'not-found', `no route for ${c.req.method} ${c.req.path}; see the README for the API.`),
  )
  app.onError(problemResponse)

  // The hottest read, answered before routing when the read cache holds it: a cached GET /jurisdictions/:code
  // (canonical code, no query) is a map lookup, an ETag compare and a write, with the same headers, request id
  // and metrics as through the app. Through the app's middleware, routing and async chain a 304 cost ~40 µs of
  // CPU against ~24 µs for a bare node:http handler (bench, 2026-11). A miss, any other request, and HEAD go
  // through the app. `cachedRead` is the logic; the app's fetch (below) and `answerCached` (the Node server,
  // before @hono/node-server builds web Request and Response objects) only write its answer.
  const cachedRead = (path: string, ifNoneMatch: string | undefined, requestId: string | undefined) => {
    const code = canonicalViewCode(path)
    if (code === null) return undefined
    const started = performance.now()
    const entry = cache.fresh(viewKey(code), deps.stores.dataVersion(), dayOf(deps.clock()))
    if (!entry) return undefined
    const answer = cache.answer(entry, ifNoneMatch, requestIdOf(requestId))
    metrics.httpSeconds.observeRoute('GET', '/jurisdictions/:code', answer.status, (performance.now() - started) / 1000)
    return answer
  }
  const routed = app.fetch
  app.fetch = (req, env, ctx) => {
    if (req.method === 'GET') {
      const url = req.url
      const answer = cachedRead(
        url.slice(url.indexOf('/', url.indexOf('//') + 2)),
        req.headers.get('if-none-match') ?? undefined,
        req.headers.get('x-request-id') ?? undefined,
      )
      if (answer) return new Response(answer.body, { status: answer.status, headers: answer.headers })
    }
    return routed(req, env, ctx)
  }
  /** Writes a cached answer to a Node response and returns true, or returns false (the app must answer). */
  const answerCached = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || req.url === undefined) return false
    const answer = cachedRead(req.url, req.headers['if-none-match'], req.headers['x-request-id'] as string | undefined)
    if (!answer) return false
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body ?? undefined)
    return true
  }
  // The read cache is exposed for tests and metrics (its size in entries and bytes).
  return Object.assign(app, { readCache: cache, answerCached })
}
export type App = ReturnType<typeof createApp>
