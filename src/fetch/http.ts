import { BlockedError, FetchError } from '../errors.js'

/** One GET: the URL as the scraper declared it (the origin override is applied underneath). */
export interface HttpRequest {
  url: string
  headers?: Record<string, string>
  /** Validators of the last response, for a conditional GET. */
  etag?: string | null
  lastModified?: string | null
}

export interface HttpResponse {
  status: number
  /** Final URL after redirects, in its original (not overridden) form. */
  url: string
  headers: Headers
  body: Buffer
  contentType: string
  /** True on 304: the body is empty and the cached snapshot stands. */
  notModified: boolean
  attempts: number
}

export interface HttpOptions {
  userAgent: string
  timeoutMs: number
  /** Retries after the first attempt (network errors, 5xx, 429). */
  retries: number
  maxBytes: number
  maxRedirects?: number
  /** Tests: send every request to this origin, with the real host in `x-original-host`. */
  originOverride?: string
  /** First backoff step; doubles per attempt, with jitter. */
  backoffMs?: number
  /** Longest Retry-After honoured; longer waits fail the fetch instead. */
  maxRetryAfterMs?: number
  sleep?: (ms: number) => Promise<void>
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Where a request really goes: the URL itself, or the override origin with the same path and query. */
export function routeUrl(url: string, originOverride?: string): { target: string; headers: Record<string, string> } {
  if (!originOverride) return { target: url, headers: {} }
  const u = new URL(url)
  const o = new URL(originOverride)
  return {
    target: `${o.origin}${u.pathname}${u.search}`,
    headers: { 'x-original-host': u.host, 'x-original-proto': u.protocol.replace(':', '') },
  }
}

/** Seconds or an HTTP date in Retry-After, as milliseconds from now; null when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

async function readLimited(res: Response, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > maxBytes)
    throw new FetchError(
      `${url}: response of ${declared} bytes exceeds the ${maxBytes}-byte limit (FETCH_MAX_BYTES).`,
      'http',
      res.status,
    )
  if (!res.body) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength
    if (total > maxBytes)
      throw new FetchError(
        `${url}: response exceeds the ${maxBytes}-byte limit (FETCH_MAX_BYTES); stopped reading.`,
        'http',
        res.status,
      )
    chunks.push(Buffer.from(chunk))
  }
  const body = Buffer.concat(chunks)
  if (Number.isFinite(declared) && res.headers.get('content-encoding') === null && body.length !== declared) {
    throw new TypeError(`truncated body: ${body.length} of ${declared} bytes`)
  }
  return body
}

/**
 * HTTP GET with Node's fetch: timeout per attempt, retries with exponential backoff and jitter on
 * network errors, 5xx and 429 (honouring Retry-After), conditional GET, limited redirects, a size
 * limit and a clear User-Agent. Throws FetchError / BlockedError when it gives up.
 */
export function createHttpClient(options: HttpOptions) {
  const maxRedirects = options.maxRedirects ?? 5
  const backoffMs = options.backoffMs ?? 1000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000
  const sleep = options.sleep ?? sleepFor

  async function once(url: string, req: HttpRequest): Promise<Response> {
    const { target, headers: routeHeaders } = routeUrl(url, options.originOverride)
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: '*/*',
      'accept-encoding': 'gzip, deflate, br',
      ...routeHeaders,
      ...req.headers,
    }
    if (req.etag) headers['if-none-match'] = req.etag
    if (req.lastModified) headers['if-modified-since'] = req.lastModified
    return fetch(target, { headers, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) })
  }

  return {
    /** GETs one URL, following up to `maxRedirects` redirects. */
    async get(req: HttpRequest): Promise<HttpResponse> {
      let url = req.url
      let attempts = 0
      let redirects = 0
      let lastError: unknown
      {
        for (let attempt = 0; attempt <= options.retries; attempt++) {
          attempts++
          let wait = backoffMs * 2 ** attempt * (0.5 + Math.random())
          try {
            const res = await once(url, req)
            if (REDIRECTS.has(res.status)) {
              const location = res.headers.get('location')
              await res.body?.cancel()
              if (!location)
                throw new FetchError(
                  `${url}: HTTP ${res.status} redirect without a Location header.`,
                  'http',
                  res.status,
                )
              if (++redirects > maxRedirects)
                throw new FetchError(
                  `${req.url}: more than ${maxRedirects} redirects; check the source URL.`,
                  'http',
                  res.status,
                )
              url = new URL(location, url).href
              attempt = -1
              continue
            }
            if (res.status === 304) {
              await res.body?.cancel()
              return {
                status: 304,
                url,
                headers: res.headers,
                body: Buffer.alloc(0),
                contentType: '',
                notModified: true,
                attempts,
              }
            }
            if (res.status === 429 || res.status >= 500) {
              const retryAfter = parseRetryAfter(res.headers.get('retry-after'))
              await res.body?.cancel()
              lastError =
                res.status === 429
                  ? new BlockedError(
                      `${url}: HTTP 429 Too Many Requests after ${attempts} attempts; the source is rate-limiting us. Lower this scraper's frequency.`,
                    )
                  : new FetchError(
                      `${url}: HTTP ${res.status} after ${attempts} attempts; the source is failing. It will be retried at the next scheduled run.`,
                      'http',
                      res.status,
                    )
              if (retryAfter !== null) {
                if (retryAfter > maxRetryAfterMs) break
                wait = retryAfter
              }
              if (attempt < options.retries) await sleep(wait)
              continue
            }
            if (res.status === 403 || res.status === 401) {
              await res.body?.cancel()
              throw new BlockedError(
                `${url}: HTTP ${res.status}; the source refuses us (bot protection or a login). Check the page in a browser.`,
              )
            }
            if (res.status >= 400) {
              await res.body?.cancel()
              throw new FetchError(
                `${url}: HTTP ${res.status}; the page moved or is gone. Check the source URL in the scraper.`,
                'http',
                res.status,
              )
            }
            const body = await readLimited(res, options.maxBytes, url)
            return {
              status: res.status,
              url,
              headers: res.headers,
              body,
              contentType: res.headers.get('content-type') ?? '',
              notModified: false,
              attempts,
            }
          } catch (error) {
            if (error instanceof FetchError || error instanceof BlockedError) throw error
            const timeout = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError'
            lastError = new FetchError(
              timeout
                ? `${url}: no complete answer within ${options.timeoutMs} ms after ${attempts} attempts.`
                : `${url}: network error after ${attempts} attempts: ${(error as Error).message}${(error as Error).cause ? ` (${String(((error as Error).cause as Error).message ?? (error as Error).cause)})` : ''}.`,
              timeout ? 'timeout' : 'http',
              null,
              { cause: error },
            )
            if (attempt < options.retries) await sleep(wait)
          }
        }
        throw lastError
      }
    },
  }
}
export type HttpClient = ReturnType<typeof createHttpClient>
