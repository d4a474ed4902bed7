import { Hono } from 'hono'
import type { AppEnv } from '../env.js'
import { problem } from '../problem.js'

/** GET /healthz (the process answers) and /readyz (database reachable and start-up done). */
export const health = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'cache-control': 'no-store' }))
  .get('/readyz', (c) => {
    const { stores, ready } = c.var.deps
    if (!ready()) return problem(c, 503, 'not-ready', 'start-up (migrations, baseline load) has not finished yet')
    try {
      const row = stores.db.prepare('SELECT COUNT(*) AS n FROM jurisdictions').get() as { n: number }
      return c.json({ status: 'ready', jurisdictions: row.n, last_event_id: stores.events.lastId() }, 200, { 'cache-control': 'no-store' })
    } catch (error) {
      return problem(c, 503, 'not-ready', `database check failed: ${(error as Error).message}`)
    }
  })
