/**
 * Read API throughput: the real server (GET /jurisdictions/:code over every code) against a bare
 * node:http handler serving the same bodies from memory (with the same ETags), both in their own
 * process, driven by autocannon at 50 connections; three rounds, the median ratio counts. Then the
 * ETag path (If-None-Match → 304) the same way, the in-process cost of each layer, and growth: the
 * same read over databases with 10× and 100× the places and events (synthetic, made here).
 * Targets: ratio ≥ 0.6 (median of 3), p99 < 10 ms, 304 path ratio ≥ 0.8; growth sub-linear.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadConfig } from '../src/config.js'
import { Observation, type Status } from '../src/domain/index.js'
import { silentLogger } from '../src/log.js'
import { openCore } from '../src/main.js'
import { layerCosts } from './layers.js'
import { benchPostgresDatabase } from './postgres.js'
import { record, type Figure } from './table.js'

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

function startTarget(kind: 'api' | 'bare', dbPath: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'bench/serve-target.ts', kind, dbPath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /PORT (\d+)/.exec(chunk.toString())?.[1]
      if (port) resolve({ child, port: Number(port) })
    })
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code}`)))
  })
}

interface Drive {
  rps: number
  p99: number
  errors: number
}

async function drive(port: number, paths: string[], etags?: Map<string, string>): Promise<Drive> {
  let i = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 50,
    duration: DURATION_S,
    requests: [
      {
        setupRequest: (req) => {
          const path = paths[i++ % paths.length]!
          return etags ? { ...req, path, headers: { 'if-none-match': etags.get(path)! } } : { ...req, path }
        },
      },
    ],
  })
  const expected = etags ? 304 : 200
  const wrong = Object.entries(result.statusCodeStats ?? {}).reduce(
    (n, [code, s]) => (Number(code) === expected ? n : n + (s?.count ?? 0)),
    0,
  )
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + wrong }
}

/** The ETag each path answers with, asked once. */
async function etagsOf(port: number, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const path of paths) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`)
    await res.arrayBuffer()
    out.set(path, res.headers.get('etag') ?? '"none"')
  }
  return out
}

async function withTarget<T>(kind: 'api' | 'bare', dbPath: string, fn: (port: number) => Promise<T>): Promise<T> {
  const { child, port } = await startTarget(kind, dbPath)
  try {
    return await fn(port)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (d: Drive) =>
  `${d.rps.toFixed(0).padStart(7)} req/s   p99 ${String(d.p99).padStart(3)} ms   errors ${d.errors}`

const STATUSES: Status[] = ['legal', 'regulated', 'restricted', 'banned']

/**
 * A database with `factor`× the places and events of the baseline: synthetic cities under the US
 * states, each with a dated history as long as a baseline place's on average, through the real diff engine.
 */
function grownDb(dir: string, factor: number): { path: string; places: number; events: number } {
  const path = join(dir, `grown-${factor}.db`)
  const core = openCore(loadConfig({ DATABASE_PATH: path }), silentLogger)
  const { stores, engine } = core
  const base = stores.jurisdictions.all()
  const baseEvents = stores.events.lastId()
  const states = base.filter((j) => j.level === 'state' && j.parent === 'US').map((j) => j.code)
  const extra = base.length * (factor - 1)
  const perPlace = Math.max(1, Math.round((baseEvents * factor - baseEvents) / extra))
  const places = Array.from({ length: extra }, (_, i) => ({
    code: `${states[i % states.length]}-BENCH${i}`,
    name: `Bench City ${i}`,
    level: 'city' as const,
    parent: states[i % states.length]!,
    ocd_id: null,
  }))
  stores.jurisdictions.upsert(places, 'dataset')
  for (let from = 0; from < places.length; from += 2000) {
    const observations = places.slice(from, from + 2000).flatMap((p, i) =>
      Array.from({ length: perPlace }, (_, k) =>
        Observation.parse({
          kind: 'status',
          jurisdiction: p.code,
          subject: 'kratom',
          status: STATUSES[(i + k) % 4],
          citation: `Bench Ord. § ${k}`,
          effective_date: new Date(Date.UTC(2000, 0, 1) + k * 86_400_000 * 30).toISOString().slice(0, 10),
          source_url: 'https://bench.example/ord',
          confidence: 'high',
        }),
      ),
    )
    engine.apply({ source_id: 'bench', trust: 'primary', run_id: null, snapshot_id: null, observations })
  }
  const out = { path, places: stores.jurisdictions.all().length, events: stores.events.lastId() }
  core.db.close()
  return out
}

export default async function apiBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  const dbPath = join(dir, 'bench.db')
  const core = openCore(loadConfig({ DATABASE_PATH: dbPath }), silentLogger)
  const paths = core.stores.jurisdictions.all().map((j) => `/jurisdictions/${j.code}`)
  const baseEvents = core.stores.events.lastId()
  const deps = {
    config: loadConfig({ DATABASE_PATH: dbPath }),
    stores: core.stores,
    engine: core.engine,
    views: core.views,
    log: silentLogger,
    clock: () => new Date(),
    ready: () => true,
  }
  const figures: Figure[] = []
  try {
    console.log(
      `GET /jurisdictions/:code over ${paths.length} codes, 50 connections, ${DURATION_S}s per drive, ${ROUNDS} rounds`,
    )
    const ratios: number[] = []
    const p99s: number[] = []
    const notModified: number[] = []
    for (let round = 1; round <= ROUNDS; round++) {
      const run: Record<string, { full: Drive; etag: Drive }> = {}
      for (const kind of ['bare', 'api'] as const) {
        run[kind] = await withTarget(kind, dbPath, async (port) => {
          const etags = await etagsOf(port, paths) // every answer once: the read cache is warm
          await drive(port, paths.slice(0, 50)) // and the JIT
          const full = await drive(port, paths)
          const etag = await drive(port, paths, etags)
          return { full, etag }
        })
      }
      const { api, bare } = run as Record<'api' | 'bare', { full: Drive; etag: Drive }>
      ratios.push(api.full.rps / bare.full.rps)
      p99s.push(api.full.p99)
      notModified.push(api.etag.rps / bare.etag.rps)
      console.log(`round ${round}`)
      console.log(`  200  bare node:http  ${fmt(bare.full)}`)
      console.log(`       kratomwatch     ${fmt(api.full)}   ratio ${ratios.at(-1)!.toFixed(2)}`)
      console.log(`  304  bare node:http  ${fmt(bare.etag)}`)
      console.log(`       kratomwatch     ${fmt(api.etag)}   ratio ${notModified.at(-1)!.toFixed(2)}`)
    }
    const ratio = median(ratios)
    const p99 = median(p99s)
    const ratio304 = median(notModified)
    figures.push(
      record(`read API req/s ÷ bare node:http (median of ${ROUNDS})`, ratio.toFixed(2), '≥ 0.6', ratio >= 0.6),
      record(`read API p99 (median of ${ROUNDS})`, `${p99} ms`, '< 10 ms', p99 < 10),
      record(`read API 304 path ÷ bare (median of ${ROUNDS})`, ratio304.toFixed(2), '≥ 0.8', ratio304 >= 0.8),
    )

    console.log('cost of each layer, in process, µs per cached GET (best of 5 loops of 20,000):')
    let previous: number | null = null
    for (const { layer, usPerRequest } of await layerCosts(deps, paths)) {
      console.log(
        `  ${layer.padEnd(40)} ${usPerRequest.toFixed(2).padStart(6)} µs${previous === null ? '' : `   (+${(usPerRequest - previous).toFixed(2)})`}`,
      )
      previous = usPerRequest
    }
    core.db.close()

    // The same reads on PostgreSQL: cached answers cost what they cost on SQLite (no statement); a miss
    // costs round trips to the server, so the first read of every code (cold cache) is shown beside SQLite's.
    console.log('on PostgreSQL (local server), the same drives, and the first read of each code (cold cache):')
    const pgUrl = await benchPostgresDatabase()
    const cold = async (port: number) => {
      const started = performance.now()
      const etags = await etagsOf(port, paths)
      return { msPerRead: (performance.now() - started) / paths.length, etags }
    }
    const onEngine = (target: string) =>
      withTarget('api', target, async (port) => {
        const first = await cold(port)
        await drive(port, paths.slice(0, 50))
        return { first: first.msPerRead, full: await drive(port, paths), etag: await drive(port, paths, first.etags) }
      })
    const onSqlite = await onEngine(dbPath)
    let onPg: Awaited<ReturnType<typeof onEngine>> | null = null
    if (pgUrl) {
      const pgCore = openCore(loadConfig({ DATABASE_URL: pgUrl }), silentLogger) // migrate and load the baseline
      pgCore.db.close()
      onPg = await onEngine(pgUrl)
    }
    for (const [engine, r] of [
      ['SQLite', onSqlite],
      ['PostgreSQL', onPg],
    ] as const)
      if (r)
        console.log(
          `  ${engine.padEnd(10)} first read ${r.first.toFixed(2)} ms/GET   200 ${fmt(r.full)}   304 ${fmt(r.etag)}`,
        )
    figures.push(
      record(
        'read API on PostgreSQL: req/s ÷ SQLite (cached)',
        onPg ? (onPg.full.rps / onSqlite.full.rps).toFixed(2) : 'skipped (no PostgreSQL)',
        'shown beside SQLite',
        null,
      ),
      record(
        'read API on PostgreSQL: first read (cache miss)',
        onPg ? `${onPg.first.toFixed(2)} ms vs ${onSqlite.first.toFixed(2)} ms SQLite` : 'skipped (no PostgreSQL)',
        'shown beside SQLite',
        null,
      ),
    )

    // Growth: the same read, over the same number of distinct codes, on bigger databases.
    const warmDrive = async (port: number, list: string[]) => (
      await etagsOf(port, list),
      await drive(port, list.slice(0, 50)),
      drive(port, list)
    )
    const base = await withTarget('api', dbPath, (port) => warmDrive(port, paths))
    console.log(`growth (same ${paths.length} distinct codes per drive, sampled across the database):`)
    console.log(
      `  1×    ${String(paths.length).padStart(6)} places ${String(baseEvents).padStart(7)} events   ${fmt(base)}`,
    )
    for (const factor of [10, 100]) {
      const grown = grownDb(dir, factor)
      const sample = Array.from({ length: paths.length }, (_, i) => i)
      const grownCore = openCore(loadConfig({ DATABASE_PATH: grown.path, ROLE: 'api' }), silentLogger)
      const all = grownCore.stores.jurisdictions.all()
      grownCore.db.close()
      const grownPaths = sample.map((i) => `/jurisdictions/${all[Math.floor((i * all.length) / sample.length)]!.code}`)
      const result = await withTarget('api', grown.path, (port) => warmDrive(port, grownPaths))
      const cost = base.rps / result.rps
      console.log(
        `  ${`${factor}×`.padEnd(5)} ${String(grown.places).padStart(6)} places ${String(grown.events).padStart(7)} events` +
          `   ${fmt(result)}   cost ×${cost.toFixed(2)}`,
      )
      figures.push(
        record(
          `read API growth: ${factor}× places and events, cost ÷ base`,
          `${cost.toFixed(2)}×`,
          `≤ ${factor}× (linear or better)`,
          cost <= factor,
        ),
      )
    }
    return figures
  } finally {
    if (core.db.open) core.db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
