import type { Page } from 'playwright-core'
import type { Config } from '../config.js'
import { BlockedError, FetchError } from '../errors.js'
import type { Logger } from '../log.js'
import { metrics } from '../metrics.js'
import type { ScrapingStore } from '../db/stores/scraping.js'
import { INSTALL_CHROMIUM_HINT, createBrowserPool, resolveChromium, type BrowserPool } from './browser.js'
import { createHttpClient, type HttpClient } from './http.js'
import { createHostPacer } from './polite.js'
import { createRedactor, redactError } from './redact.js'
import { createRobots, type Robots } from './robots.js'

export type SourceKind = 'html' | 'browser' | 'json' | 'pdf'

/** A source ready to fetch: real URL (API keys filled in) and the redacted form stored with the run. */
export interface FetchTarget {
  kind: SourceKind
  url: string
  /** The URL as recorded (API keys replaced by their placeholder). */
  recordUrl: string
  headers?: Record<string, string>
  prepare?: (page: Page) => Promise<void>
  waitFor?: string
}

export interface Fetched {
  /** Final URL (redacted form). */
  url: string
  body: Buffer
  contentType: string
  /** 304: nothing new; `cachedSnapshotId` is the document. */
  notModified: boolean
  cachedSnapshotId: number | null
  etag: string | null
  lastModified: string | null
}

/** Accept header per kind of source. */
const ACCEPT: Record<SourceKind, string> = {
  html: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
  browser: 'text/html',
  json: 'application/json,*/*;q=0.5',
  pdf: 'application/pdf,*/*;q=0.5',
}

/** The User-Agent every request sends: product, version and a contact URL. */
export function userAgent(config: Config): string {
  return `kratomwatch/0.1 (+${config.USER_AGENT_CONTACT}; legal-status monitor)`
}

/**
 * The framework's fetching: robots.txt, per-host pacing, HTTP with retries and conditional GET,
 * or the shared browser. Scrapers never fetch; the runner calls `fetch()` per source.
 */
export function createFetcher(deps: {
  config: Config
  log: Logger
  store: ScrapingStore
  clock: () => Date
  httpBackoffMs?: number
}) {
  const { config, log, store } = deps
  const ua = userAgent(config)
  const common = {
    userAgent: ua,
    timeoutMs: config.FETCH_TIMEOUT_MS,
    maxBytes: config.FETCH_MAX_BYTES,
    originOverride: config.FETCH_ORIGIN_OVERRIDE,
    backoffMs: deps.httpBackoffMs,
  }
  const http: HttpClient = createHttpClient({ ...common, retries: config.FETCH_RETRIES })
  const robotsHttp: HttpClient = createHttpClient({ ...common, retries: 1, maxBytes: 512 * 1024 })
  const robots: Robots = createRobots({ http: robotsHttp, cache: store, token: 'kratomwatch', clock: deps.clock })
  const pacer = createHostPacer({ delayMs: config.FETCH_HOST_DELAY_MS, concurrency: config.FETCH_CONCURRENCY })
  const chromiumPath = resolveChromium(config.CHROMIUM_PATH)
  let pool: BrowserPool | null = null
  const browser = (): BrowserPool => {
    if (!chromiumPath) throw new FetchError(`browser source: ${INSTALL_CHROMIUM_HINT}`, 'http')
    pool ??= createBrowserPool({
      executablePath: chromiumPath,
      userAgent: ua,
      concurrency: config.BROWSER_CONCURRENCY,
      navigationTimeoutMs: config.FETCH_TIMEOUT_MS,
      maxMb: config.BROWSER_MAX_MB,
      originOverride: config.FETCH_ORIGIN_OVERRIDE,
      log,
    })
    return pool
  }
  metrics.setBrowserMemorySource(() => pool?.memoryMb() ?? null)
  // Source API keys are filled into URLs below this layer; nothing that leaves it may carry one.
  const redact = createRedactor(config)

  return {
    /** The Chromium executable browser sources will use, or null (browser scrapers are then disabled). */
    chromiumPath,
    /**
     * Fetches one source. `conditional` sends the stored validators (ETag / Last-Modified) and
     * answers `notModified` on 304. Throws FetchError / BlockedError (the run is degraded).
     * Every URL and error it returns or throws is redacted: source API keys appear as `{NAME}`.
     */
    async fetch(target: FetchTarget, options: { conditional: boolean }): Promise<Fetched> {
      const host = new URL(target.url).host
      const started = performance.now()
      let result = 'ok'
      try {
        if (!(await robots.isAllowed(target.url))) {
          // RFC 9309: an unreachable robots.txt means "disallow all" — but say so, since the usual cause is no network.
          const unreachable = await robots.unreachable(target.url)
          if (unreachable)
            throw new FetchError(
              `${target.recordUrl}: could not read robots.txt of ${host} (${unreachable}); without it nothing may be fetched there. Check the network, or wait for the site to recover; the next run tries again.`,
              'http',
            )
          throw new BlockedError(
            `${target.recordUrl}: robots.txt of ${host} forbids this URL for kratomwatch; ask the site or choose another source.`,
          )
        }
        const crawlDelay = await robots.crawlDelayMs(target.url)
        if (crawlDelay !== undefined) pacer.setHostDelay(host, crawlDelay)
        if (target.kind === 'browser') {
          const rendered = await pacer.schedule(host, () =>
            browser().render({
              url: target.url,
              headers: target.headers,
              prepare: target.prepare,
              waitFor: target.waitFor,
            }),
          )
          return {
            url: target.recordUrl,
            body: Buffer.from(rendered.html, 'utf8'),
            contentType: 'text/html; charset=utf-8',
            notModified: false,
            cachedSnapshotId: null,
            etag: null,
            lastModified: null,
          }
        }
        const cached = options.conditional ? store.httpCache(target.recordUrl) : undefined
        const res = await pacer.schedule(host, () =>
          http.get({
            url: target.url,
            headers: { accept: ACCEPT[target.kind], ...target.headers },
            etag: cached?.etag,
            lastModified: cached?.last_modified,
          }),
        )
        if (res.notModified && cached) {
          result = 'not-modified'
          return {
            url: cached.final_url,
            body: Buffer.alloc(0),
            contentType: '',
            notModified: true,
            cachedSnapshotId: cached.snapshot_id,
            etag: cached.etag,
            lastModified: cached.last_modified,
          }
        }
        if (res.notModified)
          throw new FetchError(`${target.recordUrl}: HTTP 304 to an unconditional request.`, 'http', 304)
        const finalUrl = res.url === target.url ? target.recordUrl : redact(res.url)
        return {
          url: finalUrl,
          body: res.body,
          contentType: res.contentType,
          notModified: false,
          cachedSnapshotId: null,
          etag: res.headers.get('etag'),
          lastModified: res.headers.get('last-modified'),
        }
      } catch (error) {
        result = error instanceof BlockedError ? 'blocked' : 'error'
        throw redactError(error, redact)
      } finally {
        metrics.fetchSeconds.observe({ host, kind: target.kind, result }, (performance.now() - started) / 1000)
      }
    },
    browserLaunches: () => pool?.launches() ?? 0,
    /** Closes the shared browser. */
    async close(): Promise<void> {
      await pool?.close()
    },
  }
}
export type Fetcher = ReturnType<typeof createFetcher>
