import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

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
    runs: new Counter({ name: 'kratomwatch_scrape_runs_total', help: 'Scrape runs by scraper and outcome', labelNames: ['scraper', 'outcome'] as const, registers: [registry] }),
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
    httpSeconds: new Histogram({
      name: 'kratomwatch_http_request_duration_seconds',
      help: 'HTTP request durations by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    /** Tells the gauge where to read browser memory from. */
    setBrowserMemorySource(fn: () => number | null): void {
      browserMemory = fn
    },
  }
}
export type Metrics = ReturnType<typeof createMetrics>

/** The process-wide metrics (one registry per process, as Prometheus scrapes a process). */
export const metrics = createMetrics()

/** Hono middleware timing each request by its matched route pattern (not the raw path, to bound cardinality). */
export function httpMetrics() {
  return createMiddleware(async (c, next) => {
    const start = performance.now()
    try {
      await next()
    } finally {
      metrics.httpSeconds.observe({ method: c.req.method, route: c.res.status === 404 && routePath(c, -1) === '/*' ? 'unmatched' : routePath(c, -1), status: String(c.res.status) }, (performance.now() - start) / 1000)
    }
  })
}
