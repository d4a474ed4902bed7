/**
 * A benchmark target in its own process, so the load generator does not share its event loop.
 * `tsx bench/serve-target.ts api DB_PATH` starts the real service on a baseline database;
 * `tsx bench/serve-target.ts bare DB_PATH` starts a bare node:http handler serving the same JSON
 * bodies from memory with their ETags, answering 304 on a match (the ceiling). Prints `PORT <n>` once listening.
 */
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../src/config.js'
import { silentLogger } from '../src/log.js'
import { openCore, startService } from '../src/main.js'

const [kind, dbPath] = process.argv.slice(2)
const config = loadConfig({
  PORT: '0',
  // A postgres:// URL runs the target on PostgreSQL.
  ...(dbPath!.startsWith('postgres') ? { DATABASE_URL: dbPath! } : { DATABASE_PATH: dbPath! }),
  SCHEDULER_ENABLED: 'false',
  ROLE: kind === 'api' ? 'api' : 'all',
})

if (kind === 'api') {
  const service = await startService(config, silentLogger)
  console.log(`PORT ${service.port}`)
} else {
  const core = openCore(config, silentLogger)
  const bodies = new Map<string, { body: string; etag: string }>()
  for (const j of core.stores.jurisdictions.all()) {
    const body = JSON.stringify(core.views.jurisdiction(j.code))
    bodies.set(`/jurisdictions/${j.code}`, {
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`,
    })
  }
  const server = createServer((req, res) => {
    const entry = bodies.get(req.url ?? '')
    if (entry && req.headers['if-none-match'] === entry.etag) {
      res.writeHead(304, { etag: entry.etag })
      res.end()
      return
    }
    res.writeHead(entry ? 200 : 404, {
      'content-type': 'application/json; charset=utf-8',
      ...(entry ? { etag: entry.etag } : {}),
    })
    res.end(entry?.body ?? '{}')
  })
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`))
}

// Exit cleanly on SIGINT/SIGTERM so --cpu-prof can write its profile when profiling a target.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0))
