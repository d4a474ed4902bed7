import http from 'node:http'
import https from 'node:https'
import { guardedLookup, type UrlPolicy } from './url-guard.js'

/** What one HTTP attempt returned (or why it got no answer). */
export interface SendResult {
  status: number | null
  latency_ms: number
  error: string | null
  response_excerpt: string | null
  retry_after: string | null
}

/** Sends one signed webhook; the worker's transport, replaceable in tests. */
export type Sender = (url: URL, headers: Record<string, string>, body: string) => Promise<SendResult>

const EXCERPT_BYTES = 1024
const MAX_READ_BYTES = 64 * 1024
const USER_AGENT = 'kratomwatch-webhooks/1 (+https://github.com/kratomwatch/kratomwatch)'

/**
 * The real transport: one POST with node:http(s), never following redirects, connecting only to
 * addresses the URL guard permits (checked in `lookup`, so DNS rebinding cannot slip through),
 * aborted after `timeoutMs`. Keeps up to 1 kB of the response for the delivery log.
 */
export function createSender(options: { policy: UrlPolicy; timeoutMs: number }) {
  const lookup = guardedLookup(options.policy)
  // No per-host socket cap: the worker bounds concurrency, and a cap here queued requests inside the
  // agent while the timeout clock ran, logging our own queueing as the receiver's timeout.
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) }

  const send: Sender = (url, headers, body) =>
    new Promise<SendResult>((resolve) => {
      const started = performance.now()
      const latency = () => Math.round(performance.now() - started)
      let settled = false
      const finish = (result: Omit<SendResult, 'latency_ms'>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve({ ...result, latency_ms: latency() })
      }
      const isHttps = url.protocol === 'https:'
      const req = (isHttps ? https : http).request(url, {
        method: 'POST',
        agent: isHttps ? agents.https : agents.http,
        lookup: lookup as unknown as http.RequestOptions['lookup'],
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': USER_AGENT,
          ...headers,
        },
      })
      const timer = setTimeout(() => {
        req.destroy()
        finish({
          status: null,
          error: `no complete answer within ${options.timeoutMs} ms`,
          response_excerpt: null,
          retry_after: null,
        })
      }, options.timeoutMs)
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        const done = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')
          const status = res.statusCode ?? 0
          const location = res.headers.location
          finish({
            status,
            error:
              status >= 300 && status < 400
                ? `redirect to ${location ?? '(no Location)'} not followed: answer 2xx at the subscribed URL`
                : null,
            response_excerpt: excerpt || null,
            retry_after: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null,
          })
        }
        res.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk)
          size += chunk.length
          // The answer is known; an endpoint streaming a huge body must not hold a worker slot.
          if (size > MAX_READ_BYTES) {
            done()
            res.destroy()
          }
        })
        res.on('end', done)
        res.on('error', (error) =>
          finish({
            status: res.statusCode ?? null,
            error: `response interrupted: ${error.message}`,
            response_excerpt: null,
            retry_after: null,
          }),
        )
      })
      req.on('error', (error: NodeJS.ErrnoException) =>
        finish({
          status: null,
          error: `${error.code ? `${error.code}: ` : ''}${error.message}`,
          response_excerpt: null,
          retry_after: null,
        }),
      )
      req.end(body)
    })

  return {
    send,
    /** Closes idle keep-alive connections. */
    close(): void {
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}
