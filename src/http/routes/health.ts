import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../env.js'
import { problem } from '../problem.js'
import { Problem } from '../responses.js'
import type { RouteDoc } from '../route-docs.js'

/** GET /healthz (the process answers) and /readyz (database reachable and start-up done). */
export const health = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'cache-control': 'no-store' }))
  .get('/readyz', (c) => {
    const { stores, ready } = c.var.deps
    if (!ready()) return problem(c, 503, 'not-ready', 'start-up (migrations, baseline load) has not finished yet')
    try {
      const row = stores.db.prepare('SELECT COUNT(*) AS n FROM jurisdictions').get() as { n: number }
      return c.json({ status: 'ready', jurisdictions: row.n, last_event_id: stores.events.lastId() }, 200, {
        'cache-control': 'no-store',
      })
    } catch (error) {
      return problem(c, 503, 'not-ready', `database check failed: ${(error as Error).message}`)
    }
  })

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tags: ['operations'],
    responses: { 200: { description: 'alive', schema: z.strictObject({ status: z.literal('ok') }) } },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: start-up finished and the database answers',
    tags: ['operations'],
    responses: {
      200: {
        description: 'ready to serve',
        schema: z.strictObject({
          status: z.literal('ready'),
          jurisdictions: z.number().int(),
          last_event_id: z.number().int().describe('id of the newest change event (0 if none)'),
        }),
      },
      503: {
        description: 'not ready yet, or the database check failed',
        schema: Problem,
        contentType: 'application/problem+json',
      },
    },
  },
]
