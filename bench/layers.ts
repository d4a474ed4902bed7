/**
 * The cost of each layer of the read path, in process (no sockets): the same GET /jurisdictions/:code
 * requests through apps built from the real pieces, one layer more each time. The difference between
 * two rows is what that layer costs per request.
 */
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { createReadCache } from '../src/http/cache.js'
import { createApp } from '../src/http/app.js'
import type { AppDeps, AppEnv } from '../src/http/env.js'
import { jurisdictions } from '../src/http/routes/jurisdictions.js'
import { httpMetrics } from '../src/metrics.js'

export interface LayerCost {
  layer: string
  usPerRequest: number
}

/** µs per request for each layer, the best of `rounds` timed loops of `n` requests over `paths`. */
export async function layerCosts(deps: AppDeps, paths: string[], n = 20_000, rounds = 5): Promise<LayerCost[]> {
  // As the server does: @hono/node-server swaps in its lightweight Request and Response when it builds its listener.
  getRequestListener(() => new Response(null))
  const bodies = new Map(paths.map((p) => [p, JSON.stringify(deps.views.jurisdiction(p.split('/').pop()!))]))
  const withDeps = (app: Hono<AppEnv>) => {
    const cache = createReadCache()
    return app.use(async (c, next) => {
      c.set('requestId', 'bench')
      c.set('deps', deps)
      c.set('cachedJson', cache.json)
      c.set('cachedText', cache.text)
      await next()
    })
  }
  const apps: [string, { fetch: (r: Request) => Response | Promise<Response> }][] = [
    [
      'hono, a map lookup (floor)',
      new Hono().get('/jurisdictions/:code', (c) =>
        c.body(bodies.get(c.req.path) ?? '{}', 200, { 'content-type': 'application/json' }),
      ),
    ],
    ['+ route, validation, read cache', withDeps(new Hono<AppEnv>()).route('/jurisdictions', jurisdictions)],
    ['+ metrics middleware', withDeps(new Hono<AppEnv>().use(httpMetrics())).route('/jurisdictions', jurisdictions)],
    ['+ request id, every route (the app)', createApp(deps)],
  ]
  const requests = paths.map((p) => new Request(`http://bench.local${p}`))
  const out: LayerCost[] = []
  for (const [layer, app] of apps) {
    for (let i = 0; i < 2000; i++) await app.fetch(requests[i % requests.length]!) // warm up the JIT and the cache
    let best = Infinity
    for (let r = 0; r < rounds; r++) {
      const start = performance.now()
      for (let i = 0; i < n; i++) {
        const res = await app.fetch(requests[i % requests.length]!)
        if (res.status !== 200)
          throw new Error(`${layer}: ${requests[i % requests.length]!.url} answered ${res.status}`)
      }
      best = Math.min(best, ((performance.now() - start) * 1000) / n)
    }
    out.push({ layer, usPerRequest: best })
  }
  return out
}
