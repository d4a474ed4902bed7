import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, inject } from 'vitest'
import { loadBaseline, seedJurisdictions } from '../../src/baseline/load.js'
import { loadConfig, type Config } from '../../src/config.js'
import { migrate } from '../../src/db/migrate.js'
import { openDb, type Db } from '../../src/db/open.js'
import { openPostgres, type PostgresDb } from '../../src/db/postgres/database.js'
import { createStores, type Stores } from '../../src/db/stores/index.js'
import { createDiffEngine, type DiffEngine } from '../../src/diff/engine.js'
import { createApp } from '../../src/http/app.js'
import { silentLogger } from '../../src/log.js'
import { lazyScraperRegistry } from '../../src/main.js'
import { createStatusViews } from '../../src/read/status-view.js'

const cleanups: (() => void)[] = []
const fileCleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})
afterAll(() => {
  while (fileCleanups.length) fileCleanups.pop()!()
})

/** Set while a `beforeAll` builds fixtures that must live until the file's last test. */
let fileScope = false

/** Runs `build` with its temp resources kept until the end of the test file (use inside beforeAll). */
export function forFile<T>(build: () => T): T {
  fileScope = true
  try {
    return build()
  } finally {
    fileScope = false
  }
}

function onCleanup(fn: () => void): void {
  ;(fileScope ? fileCleanups : cleanups).push(fn)
}

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'kratomwatch-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A controllable clock: `clock.set('2026-01-01')` moves "now". */
export function testClock(start = '2026-11-25T12:00:00Z') {
  let now = new Date(start)
  const clock = () => new Date(now)
  clock.set = (iso: string) => {
    now = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)
  }
  return clock
}
export type TestClock = ReturnType<typeof testClock>

/**
 * The engine of this test run: `postgres` in the vitest project of that name (TEST_ENGINE, see
 * vitest.config.ts), else SQLite. The same suites run on both.
 */
export const testEngine: 'sqlite' | 'postgres' = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite'

let adminDb: PostgresDb | null = null
let databases = 0

/**
 * A fresh PostgreSQL database copied from the migrated template (tests/setup/postgres.ts), dropped
 * after the test; returns its URL.
 */
export function postgresTestDatabase(): string {
  const admin = inject('postgresUrl')
  if (!admin) throw new Error('no PostgreSQL for this run (see the warning printed at start)')
  if (!adminDb) {
    const db = openPostgres(admin)
    adminDb = db
    fileCleanups.push(() => db.close())
  }
  const name = `kw_t${process.pid}_${++databases}`
  adminDb.exec(`CREATE DATABASE ${name} TEMPLATE kw_test_template`)
  onCleanup(() => adminDb?.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
  const url = new URL(admin)
  url.pathname = `/${name}`
  return url.toString()
}

export interface TestDb {
  /** The SQLite file ('' on PostgreSQL). */
  path: string
  /** The PostgreSQL database (DATABASE_URL), on that engine. */
  url?: string
  db: Db
  stores: Stores
  engine: DiffEngine
  clock: TestClock
}

/**
 * A migrated database with built-in jurisdictions, closed after the test: a SQLite file in a temp
 * folder, or a fresh PostgreSQL database when the run's engine is PostgreSQL.
 */
export function testDb(options: { seed?: boolean; clock?: TestClock } = {}): TestDb {
  const url = testEngine === 'postgres' ? postgresTestDatabase() : undefined
  const path = url ? '' : join(tempDir(), 'test.db')
  const db: Db = url ? openPostgres(url) : openDb(path)
  onCleanup(() => db.open && db.close())
  migrate(db)
  const stores = createStores(db)
  if (options.seed ?? true) seedJurisdictions(stores)
  const clock = options.clock ?? testClock()
  return { path, url, db, stores, engine: createDiffEngine(stores, clock), clock }
}

/** The HTTP app over a test database, driven with `app.request()`. */
export function testApp(t: TestDb = testDb(), env: Record<string, string> = {}) {
  const config: Config = loadConfig({ ...(t.url ? { DATABASE_URL: t.url } : { DATABASE_PATH: t.path }), ...env })
  const app = createApp({
    config,
    stores: t.stores,
    engine: t.engine,
    views: createStatusViews(t.stores, t.clock),
    log: silentLogger,
    clock: t.clock,
    ready: () => true,
    scraperRegistry: lazyScraperRegistry(config),
  })
  return { ...t, app, config }
}

/** A test app over a database holding the real curated baseline, kept for the whole file (call in beforeAll). */
export function baselineApp(env: Record<string, string> = {}) {
  return forFile(() => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    return testApp(t, env)
  })
}
