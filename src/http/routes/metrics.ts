import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { metrics } from '../../metrics.js'
import { requireKey } from '../auth.js'
import type { AppEnv } from '../env.js'
import type { RouteDoc } from '../route-docs.js'

const adminKey = requireKey({ admin: true })

/** Metrics name scrapers, hosts and routes: an admin key reads them, unless METRICS_PUBLIC=true (a private network). */
const metricsAccess = createMiddleware<AppEnv>(async (c, next) =>
  c.var.deps.config.METRICS_PUBLIC ? next() : adminKey(c as never, next),
)

/** GET /metrics: Prometheus text exposition of this process's metrics. */
export const metricsRoutes = new Hono<AppEnv>().get('/metrics', metricsAccess, async (c) =>
  c.body(await metrics.registry.metrics(), 200, {
    'content-type': metrics.registry.contentType,
    'cache-control': 'no-store',
  }),
)

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description:
      'Runs by scraper and outcome, fetch durations by host, browser memory, HTTP request durations by route, and process metrics, ' +
      'in the Prometheus text format. Needs an admin key unless the service runs with METRICS_PUBLIC=true.',
    auth: 'admin',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' } },
  },
]
