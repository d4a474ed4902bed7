import { Hono } from 'hono'
import { metrics } from '../../metrics.js'
import type { AppEnv } from '../env.js'
import type { RouteDoc } from '../route-docs.js'

/** GET /metrics: Prometheus text exposition of this process's metrics. */
export const metricsRoutes = new Hono<AppEnv>().get('/metrics', async (c) =>
  c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }),
)

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description: 'Runs by scraper and outcome, fetch durations by host, browser memory, HTTP request durations by route, and process metrics, in the Prometheus text format.',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' } },
  },
]
