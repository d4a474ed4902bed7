/**
 * A benchmark target in its own process, so the load generator does not share its event loop.
 * `tsx bench/serve-target.ts api DB_PATH` starts the real service on a baseline database;
 * `tsx bench/serve-target.ts bare DB_PATH` starts a bare node:http handler serving the same JSON
 * bodies from memory (the ceiling). Prints `PORT <n>` once listening.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../src/config.js'
import { silentLogger } from '../src/log.js'
import { openCore, startService } from '../src/main.js'

const [kind, dbPath] = process.argv.slice(2)
const config = loadConfig({ PORT: '0', DATABASE_PATH: dbPath!, SCHEDULER_ENABLED: 'false', ROLE: kind === 'api' ? 'api' : 'all' })

if (kind === 'api') {
  const service = await startService(config, silentLogger)
  console.log(`PORT ${service.port}`)
} else {
  const core = openCore(config, silentLogger)
  const bodies = new Map<string, string>()
  for (const j of core.stores.jurisdictions.all()) bodies.set(`/jurisdictions/${j.code}`, JSON.stringify(core.views.jurisdiction(j.code)))
  const server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '')
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' })
    res.end(body ?? '{}')
  })
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`))
}

// Exit cleanly on SIGINT/SIGTERM so --cpu-prof can write its profile when profiling a target.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0))
