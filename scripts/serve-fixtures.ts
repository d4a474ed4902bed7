/**
 * A fixture server for demos and manual runs: serves one fixture case of every scraper at its real
 * URL on 127.0.0.1. Point the service at it with FETCH_ORIGIN_OVERRIDE.
 *
 *   npx tsx --conditions=source scripts/serve-fixtures.ts [--port 8900] [--case ID=CASE]... [--fault ID=500|429|slow|truncate|bot-wall|robots]...
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { fixtureCases } from '../src/scraping/fixtures.js'
import { loadRegistry } from '../src/scraping/registry.js'
import { resolveUrl } from '../src/scraping/run.js'
import { fixtureServer, type Fault } from '../tests/helpers/fixture-server.js'

const { values } = parseArgs({ options: { port: { type: 'string' }, case: { type: 'string', multiple: true }, fault: { type: 'string', multiple: true } } })
const pick = new Map((values.case ?? []).map((s) => s.split('=') as [string, string]))
const faults = new Map((values.fault ?? []).map((s) => s.split('=') as [string, string]))
const config = loadConfig()
const registry = await loadRegistry({ config, chromiumPath: '/usr/bin/chromium' })
const server = await fixtureServer(values.port ? Number(values.port) : 0)
for (const { def } of registry) {
  const cases = fixtureCases(def)
  const chosen = pick.has(def.id) ? cases.find((c) => c.name === pick.get(def.id)) : cases.find((c) => !c.degraded)
  if (!chosen) throw new Error(`${def.id}: no fixture case ${pick.get(def.id) ?? ''}`)
  server.serveCase(def, chosen, (u) => resolveUrl(u, config).url)
  // Scrapers with `follow`: the followed sources a first run asks for (fixtures/<id>/followed/ or the case's own).
  const followed = await server.serveFollowed(def, chosen, (u) => resolveUrl(u, config).url)
  const fault = faults.get(def.id)
  for (const source of Object.values(def.sources)) {
    const url = resolveUrl(source.url, config).url
    if (fault === 'robots') server.robots(new URL(url).host, 'User-agent: *\nDisallow: /\n')
    else if (fault) {
      const f: Fault = fault === '429' ? { kind: 'retry-after', seconds: 1 } : /^\d+$/.test(fault) ? { kind: 'status', status: Number(fault) } : fault === 'slow' ? { kind: 'slow', ms: 120_000 } : { kind: fault as 'truncate' | 'bot-wall' }
      server.fault(url, f)
    }
  }
  const missing = followed.filter((f) => !f.file).map((f) => f.name)
  console.log(`${def.id}: serving case "${chosen.name}"${followed.length ? ` and ${followed.length - missing.length} followed source(s)${missing.length ? ` (no fixture for ${missing.join(', ')})` : ''}` : ''}${fault ? ` with fault ${fault}` : ''}`)
}
console.log(`fixture server on ${server.origin}\nrun: FETCH_ORIGIN_OVERRIDE=${server.origin} FETCH_HOST_DELAY_MS=0 npm run cli -- scrape`)
