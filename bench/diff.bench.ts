/**
 * Diff engine: time to apply 10,000 status observations to a file database — first as changes
 * (each makes a timeline row and an event), then again unchanged (each only confirms) — with the
 * webhook outbox listening (10 subscriptions, as a small deployment has), split into plan / write /
 * outbox. A growth case applies a timeline 100× longer per place (the same 10,000 observations on
 * 1/100 of the places) so the cost per observation can be compared with the base case. Each SQLite
 * case runs on 3 fresh databases in one process and reports the median (BENCH_DIFF_REPEATS).
 * The database is opened as the service opens it (background checkpoints, src/db/checkpoints.ts).
 * Targets: changed < 1 s with the outbox, unchanged < 0.25 s.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedJurisdictions } from '../src/baseline/load.js'
import { migrate } from '../src/db/migrate.js'
import { openDb, type Db } from '../src/db/open.js'
import { openPostgres } from '../src/db/postgres/database.js'
import { createStores } from '../src/db/stores/index.js'
import { createDiffEngine, type ApplyTimings } from '../src/diff/engine.js'
import { StatusObservation, type Status } from '../src/domain/index.js'
import { registerOutbox } from '../src/webhooks/outbox.js'
import { benchPostgresDatabase } from './postgres.js'
import { record, type Figure } from './table.js'

const N = Number(process.env.BENCH_DIFF_N ?? 10_000)
const STATUSES: Status[] = ['legal', 'regulated', 'restricted', 'banned']

/** Subscriptions as a small deployment has them: everything, a country with its descendants, single places, one subject. */
function subscribe(stores: ReturnType<typeof createStores>, codes: string[]): void {
  const key = stores.keys.create('bench', false, '2026-11-25T00:00:00Z')
  const filters = [
    { jurisdictions: [], include_descendants: false, subjects: [] },
    { jurisdictions: ['US'], include_descendants: true, subjects: [] },
    { jurisdictions: [], include_descendants: false, subjects: ['7-oh'] },
    ...codes.slice(0, 7).map((code) => ({
      jurisdictions: [code],
      include_descendants: false,
      subjects: [],
    })),
  ]
  filters.forEach((f, i) =>
    stores.webhooks.create(
      `ep_bench${i}`,
      key.record.id,
      {
        url: `https://hooks.bench.example/${i}`,
        description: null,
        events: [],
        ...f,
      },
      `whsec_${'A'.repeat(32)}`,
      '2026-11-25T00:00:00Z',
    ),
  )
}

interface Run {
  ms: number
  /** CPU time of this process (all threads): what the wall time would be on a quiet machine, roughly. */
  cpuMs: number
  events: number
  confirmed: number
  timings: ApplyTimings
}

async function scenario(
  places: number | 'all',
  outbox: boolean,
  /** A PostgreSQL database to run on instead of a SQLite file. */
  postgresUrl?: string,
): Promise<{
  changed: Run
  unchanged: Run
  shape: string
  deliveries: number
  places: number
}> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  try {
    const db: Db = postgresUrl
      ? openPostgres(postgresUrl)
      : openDb(join(dir, 'diff.db'), { backgroundCheckpoints: true })
    migrate(db)
    const stores = createStores(db)
    seedJurisdictions(stores)
    const all = stores.jurisdictions.all().map((j) => j.code)
    const codes = places === 'all' ? all : all.slice(0, places)
    if (outbox) {
      registerOutbox(stores, { publicBaseUrl: 'https://kratomwatch.bench' })
      subscribe(stores, codes)
    }
    // The clock moves between the runs, as between two scheduled scrapes: a confirmation writes a new verified_at.
    let now = Date.parse('2026-11-25T12:00:00Z')
    const engine = createDiffEngine(stores, () => new Date(now))
    const perPair = Math.ceil(N / (codes.length * 2))
    const observations: StatusObservation[] = []
    for (const code of codes) {
      for (const subject of ['kratom', '7-oh']) {
        for (let k = 0; k < perPair && observations.length < N; k++) {
          observations.push(
            StatusObservation.parse({
              kind: 'status',
              jurisdiction: code,
              subject,
              status: STATUSES[k % 4],
              min_age: k % 4 === 1 ? 21 : null,
              citation: `Bench Code § ${k}`,
              effective_date: new Date(Date.UTC(1900, 0, 1) + k * 86_400_000).toISOString().slice(0, 10),
              source_url: 'https://example.gov/statute',
              confidence: 'high',
            }),
          )
        }
      }
    }
    const time = (): Run => {
      const start = performance.now()
      const cpu = process.cpuUsage()
      const result = engine.apply({
        source_id: 'bench',
        trust: 'primary',
        run_id: null,
        snapshot_id: null,
        observations,
      })
      const ms = performance.now() - start
      const { user, system } = process.cpuUsage(cpu)
      return {
        ms,
        cpuMs: (user + system) / 1000,
        events: result.events.length,
        confirmed: result.confirmed,
        timings: engine.lastTimings(),
      }
    }
    const changed = time()
    now += 3_600_000
    const unchanged = time()
    const deliveries = outbox ? (db.prepare('SELECT COUNT(*) FROM webhook_deliveries').pluck().get() as number) : 0
    db.close()
    return {
      changed,
      unchanged,
      deliveries,
      places: codes.length,
      shape: `${codes.length} places × 2 subjects × ${perPair} dated rows`,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const REPEATS = Number(process.env.BENCH_DIFF_REPEATS ?? 3)

type Scenario = Awaited<ReturnType<typeof scenario>>

/**
 * The scenario on REPEATS fresh databases in this process, reporting for each phase the run with the median
 * time (all are printed). The first run also warms the JIT, as a service's first batch after start-up does.
 */
async function repeated(
  places: number | 'all',
  outbox: boolean,
  postgresUrl?: string,
): Promise<Scenario & { runs: Scenario[] }> {
  const runs: Scenario[] = []
  for (let i = 0; i < (postgresUrl ? 1 : REPEATS); i++) runs.push(await scenario(places, outbox, postgresUrl))
  const median = (phase: (s: Scenario) => Run): Run =>
    runs.map(phase).sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!
  return { ...runs[0]!, changed: median((s) => s.changed), unchanged: median((s) => s.unchanged), runs }
}

const line = (label: string, s: Scenario & { runs: Scenario[] }, phase: 'changed' | 'unchanged') => {
  const r = s[phase]
  const all = s.runs.length > 1 ? ` (runs ${s.runs.map((x) => x[phase].ms.toFixed(0)).join(' / ')} ms)` : ''
  return (
    `  ${label.padEnd(24)} ${r.ms.toFixed(0).padStart(6)} ms (cpu ${r.cpuMs.toFixed(0).padStart(5)} ms, ${((N / r.ms) * 1000).toFixed(0).padStart(6)}/s)` +
    `  plan ${r.timings.plan_ms.toFixed(0)} / write ${r.timings.write_ms.toFixed(0)} / outbox ${r.timings.outbox_ms.toFixed(0)} ms:` +
    ` ${r.events} events, ${r.confirmed} confirmed${all}`
  )
}

export default async function diffBench(): Promise<Figure[]> {
  console.log(`each SQLite case on ${REPEATS} fresh databases, median shown`)
  const bare = await repeated('all', false)
  console.log(`diff engine, ${N} observations on a file database (${bare.shape})`)
  console.log(line('changed, no outbox', bare, 'changed'))
  console.log(line('unchanged, no outbox', bare, 'unchanged'))
  const base = await repeated('all', true)
  console.log(`with the outbox (10 subscriptions, ${base.deliveries} delivery rows)`)
  console.log(line('changed', base, 'changed'))
  console.log(line('unchanged', base, 'unchanged'))
  const long = await repeated(Math.max(1, Math.round(bare.places / 100)), true)
  console.log(`growth: 100× longer timeline per place (${long.shape}), with the outbox`)
  console.log(line('changed', long, 'changed'))
  console.log(line('unchanged', long, 'unchanged'))
  const growth = long.changed.ms / base.changed.ms
  // The same base case on PostgreSQL (a local server, one round trip per statement through the bridge).
  console.log('on PostgreSQL (local server, default durability), with the outbox')
  const url = await benchPostgresDatabase()
  const pg = url ? await repeated('all', true, url) : null
  if (pg) {
    console.log(line('changed', pg, 'changed'))
    console.log(line('unchanged', pg, 'unchanged'))
  }
  const onPostgres = (label: string, r: Run | undefined, sqlite: Run): Figure =>
    record(
      `diff on PostgreSQL: 10k ${label}, with outbox`,
      r ? `${(r.ms / 1000).toFixed(2)} s (${(r.ms / sqlite.ms).toFixed(1)}× SQLite)` : 'skipped (no PostgreSQL)',
      'shown beside SQLite',
      null,
    )
  return [
    record(
      'diff: 10k changed, with outbox',
      `${(base.changed.ms / 1000).toFixed(2)} s`,
      '< 1 s',
      base.changed.ms < 1000,
    ),
    record(
      'diff: 10k unchanged, with outbox',
      `${(base.unchanged.ms / 1000).toFixed(2)} s`,
      '< 0.25 s',
      base.unchanged.ms < 250,
    ),
    record(
      'diff growth: 100× timeline / base (changed)',
      `${growth.toFixed(2)}×`,
      '≤ 1.5× (same work, longer rows)',
      growth <= 1.5,
    ),
    onPostgres('changed', pg?.changed, base.changed),
    onPostgres('unchanged', pg?.unchanged, base.unchanged),
  ]
}
