/**
 * A fixture server for demos and manual runs: serves one fixture case of every scraper at its real
 * URL on 127.0.0.1. Point the service at it with FETCH_ORIGIN_OVERRIDE. `npm run fixture:serve -- --help`.
 */
import { loadConfig } from '../src/config.js'
import { fixtureCases } from '../src/scraping/fixtures.js'
import { loadRegistry } from '../src/scraping/registry.js'
import { resolveUrl } from '../src/scraping/run.js'
import { fixtureServer, type Fault } from '../tests/helpers/fixture-server.js'
import { fail, scriptArgs } from './args.js'

const FAULTS = ['500', '404', '429', 'slow', 'truncate', 'bot-wall', 'robots'] as const
const USAGE = `
usage: npm run fixture:serve -- [--port N] [--case ID=CASE]... [--fault ID=KIND]...

Serves one recorded fixture case of every scraper at its real URL on 127.0.0.1 (no internet needed).
Then run the scrapers against it:
  FETCH_ORIGIN_OVERRIDE=http://127.0.0.1:N FETCH_HOST_DELAY_MS=0 npm run cli -- scrape

  --port N            listen on this port (default: any free port, printed)
  --case ID=CASE      serve this case of scraper ID (a file name in fixtures/ID/ without extension,
                      e.g. us-tx-statutes-hs-444=chapter-444-2026-11); default: its first non-degraded case
  --fault ID=KIND     make scraper ID's sources fail: any HTTP status (500, 404, …), 429 (with Retry-After),
                      slow (answers after 2 min), truncate, bot-wall (a challenge page), robots (robots.txt forbids)
`

const { values } = scriptArgs(USAGE, {
  port: { type: 'string' },
  case: { type: 'string', multiple: true },
  fault: { type: 'string', multiple: true },
})
/** Parses repeated ID=VALUE options, refusing a malformed one. */
function pairs(option: string, items: string[] | undefined): Map<string, string> {
  return new Map(
    (items ?? []).map((s) => {
      const at = s.indexOf('=')
      if (at <= 0 || at === s.length - 1)
        fail(`--${option} expects ID=${option === 'case' ? 'CASE' : 'KIND'} (got "${s}")\n\n${USAGE.trim()}`)
      return [s.slice(0, at), s.slice(at + 1)] as [string, string]
    }),
  )
}
const pick = pairs('case', values.case)
const faults = pairs('fault', values.fault)
if (values.port !== undefined && !/^\d{1,5}$/.test(values.port))
  fail(`--port expects a port number (got "${values.port}")`)
for (const [id, kind] of faults)
  if (!/^\d{3}$/.test(kind) && !(FAULTS as readonly string[]).includes(kind))
    fail(`--fault ${id}=${kind}: unknown kind; use an HTTP status or one of ${FAULTS.join(', ')}`)
const config = loadConfig()
const registry = await loadRegistry({ config, chromiumPath: '/usr/bin/chromium' })
const known = new Set(registry.map((r) => r.def.id))
for (const id of [...pick.keys(), ...faults.keys()])
  if (!known.has(id)) fail(`no scraper "${id}"; known: ${[...known].join(', ')}`)
for (const [id, name] of pick) {
  const cases = fixtureCases(registry.find((r) => r.def.id === id)!.def)
  if (!cases.some((c) => c.name === name))
    fail(`${id}: no fixture case "${name}"; its cases: ${cases.map((c) => c.name).join(', ') || 'none'}`)
}
const server = await fixtureServer(values.port ? Number(values.port) : 0)
for (const { def } of registry) {
  const cases = fixtureCases(def)
  const chosen = pick.has(def.id) ? cases.find((c) => c.name === pick.get(def.id)) : cases.find((c) => !c.degraded)
  if (!chosen)
    fail(
      `${def.id}: no fixture case "${pick.get(def.id) ?? ''}"; its cases: ${cases.map((c) => c.name).join(', ') || 'none'}`,
    )
  server.serveCase(def, chosen, (u) => resolveUrl(u, config).url)
  // Scrapers with `follow`: the followed sources a first run asks for (fixtures/<id>/followed/ or the case's own).
  const followed = await server.serveFollowed(def, chosen, (u) => resolveUrl(u, config).url)
  const fault = faults.get(def.id)
  for (const source of Object.values(def.sources)) {
    const url = resolveUrl(source.url, config).url
    if (fault === 'robots') server.robots(new URL(url).host, 'User-agent: *\nDisallow: /\n')
    else if (fault) {
      const f: Fault =
        fault === '429'
          ? { kind: 'retry-after', seconds: 1 }
          : /^\d+$/.test(fault)
            ? { kind: 'status', status: Number(fault) }
            : fault === 'slow'
              ? { kind: 'slow', ms: 120_000 }
              : { kind: fault as 'truncate' | 'bot-wall' }
      server.fault(url, f)
    }
  }
  const missing = followed.filter((f) => !f.file).map((f) => f.name)
  console.log(
    `${def.id}: serving case "${chosen.name}"${followed.length ? ` and ${followed.length - missing.length} followed source(s)${missing.length ? ` (no fixture for ${missing.join(', ')})` : ''}` : ''}${fault ? ` with fault ${fault}` : ''}`,
  )
}
console.log(
  `fixture server on ${server.origin}\nrun: FETCH_ORIGIN_OVERRIDE=${server.origin} FETCH_HOST_DELAY_MS=0 npm run cli -- scrape   (Ctrl-C stops this server)`,
)
