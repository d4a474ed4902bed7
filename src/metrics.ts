import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * Prometheus metrics of this process (prom-client), one registry: scrape runs by scraper and
 * outcome, fetch durations by host, browser memory, HTTP request durations by route.
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'kratomwatch_' })
  let browserMemory: () => number | null = () => null
  return {
    registry,
    runs: new Counter({
      name: 'kratomwatch_scrape_runs_total',
      help: 'Scrape runs by scraper and outcome',
      labelNames: ['scraper', 'outcome'] as const,
      registers: [registry],
    }),
    fetchSeconds: new Histogram({
      name: 'kratomwatch_fetch_duration_seconds',
      help: 'Duration of source fetches by host and kind (including retries)',
      labelNames: ['host', 'kind', 'result'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    browserMemoryBytes: new Gauge({
      name: 'kratomwatch_browser_memory_bytes',
      help: 'Proportional set size of the shared Chromium and its children (0 when not running)',
      registers: [registry],
      collect() {
        this.set((browserMemory() ?? 0) * 1024 * 1024)
      },
    }),
    httpSeconds: routeHistogram(registry),
    /** Tells the gauge where to read browser memory from. */
    setBrowserMemorySource(fn: () => number | null): void {
      browserMemory = fn
    },
  }
}
export type Metrics = ReturnType<typeof createMetrics>

/** The process-wide metrics (one registry per process, as Prometheus scrapes a process). */
export const metrics = createMetrics()

interface RouteSeries {
  labels: { method: string; route: string; status: string }
  /** Per-bucket counts (not cumulative), the last one above every bound. */
  counts: Float64Array
  sum: number
  count: number
}

/**
 * The HTTP request histogram. prom-client's `observe` builds a label object, validates it and
 * hashes it on every call; on the read path that was a measurable share of a cached answer. Here a
 * request finds its series through three map lookups and bumps numbers (nothing allocated once a
 * route, method and status have been seen), and the series are handed to prom-client when
 * Prometheus scrapes (`collect`). That writes prom-client 15's per-series records (`hashMap`), the
 * same shape its own `observe` writes; the /metrics test reads the result.
 */
function routeHistogram(registry: Registry) {
  const series = new Map<string, Map<string, Map<number, RouteSeries>>>()
  const histogram = new Histogram({
    name: 'kratomwatch_http_request_duration_seconds',
    help: 'HTTP request durations by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
    collect() {
      const records = (this as unknown as { hashMap: Record<string, unknown> }).hashMap
      for (const byRoute of series.values()) {
        for (const byStatus of byRoute.values()) {
          for (const s of byStatus.values()) {
            const bucketValues = Object.fromEntries(HTTP_BUCKETS.map((bound, i) => [bound, s.counts[i]!]))
            records[`${s.labels.method} ${s.labels.route} ${s.labels.status}`] = {
              labels: s.labels,
              bucketValues,
              sum: s.sum,
              count: s.count,
            }
          }
        }
      }
    },
  })
  return Object.assign(histogram, {
    /** Records one request (seconds) without allocating once its series exists. */
    observeRoute(method: string, route: string, status: number, seconds: number): void {
      let byRoute = series.get(method)
      if (!byRoute) series.set(method, (byRoute = new Map()))
      let byStatus = byRoute.get(route)
      if (!byStatus) byRoute.set(route, (byStatus = new Map()))
      let s = byStatus.get(status)
      if (!s) {
        s = {
          labels: { method, route, status: String(status) },
          counts: new Float64Array(HTTP_BUCKETS.length + 1),
          sum: 0,
          count: 0,
        }
        byStatus.set(status, s)
      }
      let i = 0
      while (i < HTTP_BUCKETS.length && seconds > HTTP_BUCKETS[i]!) i++
      s.counts[i]!++
      s.sum += seconds
      s.count++
    },
  })
}

/** Hono middleware timing each request by its matched route pattern (not the raw path, to bound cardinality). */
export function httpMetrics() {
  return createMiddleware(async (c, next) => {
    const start = performance.now()
    try {
      await next()
    } finally {
      const status = c.res.status
      const route = routePath(c, -1)
      metrics.httpSeconds.observeRoute(
        c.req.method,
        status === 404 && route === '/*' ? 'unmatched' : route,
        status,
        (performance.now() - start) / 1000,
      )
    }
  })
}
