import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { loadBaseline, seedJurisdictions } from '../../src/baseline/load.js'
import { BLOB_PAGE_ROWS, MIGRATIONS_TABLE, quoteIdent, type Row } from '../../src/db/copy-plan.js'
import { CopyRefusedError, copyDatabase, readSchema } from '../../src/db/copy.js'
import { migrate, readMigrations } from '../../src/db/migrate.js'
import { openDb, type Db } from '../../src/db/open.js'
import { openPostgres } from '../../src/db/postgres/database.js'
import { createStores } from '../../src/db/stores/index.js'
import { createDiffEngine } from '../../src/diff/engine.js'
import { registerOutbox } from '../../src/webhooks/outbox.js'
import { forFile, postgresTestDatabase, tempDir, testApp, testClock, type TestDb } from '../helpers/db.js'
import { cliProcess } from '../helpers/processes.js'

const NOW = '2026-11-25T12:00:00.000Z'

/** A database over an open connection, as testDb() builds it, for either engine. */
function over(db: Db, where: { path?: string; url?: string }): TestDb {
  const stores = createStores(db)
  const clock = testClock()
  return { path: where.path ?? '', url: where.url, db, stores, engine: createDiffEngine(stores, clock), clock }
}

/**
 * A SQLite database as a real installation holds it: the curated baseline loaded through the diff
 * engine, a webhook subscription whose outbox filled with a delivery per baseline event (one of them
 * attempted), an API key, and a scrape run with snapshots (binary bodies, enough for two pages).
 */
function sqliteInstallation(): TestDb {
  const path = join(tempDir('kratomwatch-copy-'), 'source.db')
  const db = openDb(path)
  migrate(db)
  const t = over(db, { path })
  seedJurisdictions(t.stores)
  const key = t.stores.keys.create('acme', false, NOW)
  t.stores.webhooks.create(
    'ep_copytest',
    key.record.id,
    {
      url: 'https://hooks.example/kratom',
      description: 'all changes',
      events: [],
      jurisdictions: [],
      include_descendants: false,
      subjects: [],
    },
    'whsec_' + randomBytes(32).toString('base64'),
    NOW,
  )
  registerOutbox(t.stores, { publicBaseUrl: 'https://kratomwatch.test' })
  loadBaseline(t.stores, t.engine, undefined, t.clock)
  const [claim] = t.stores.webhooks.claimDue(NOW, 1)
  t.stores.webhooks.finishAttempt(
    claim!,
    { outcome: 'succeeded', status_code: 204, latency_ms: 12, response_excerpt: null },
    NOW,
  )
  const run = t.stores.runs.start('us-al-legislature', 'v1', 'cli', NOW)
  for (let i = 0; i < 25; i++) {
    // every byte value, zeros included: BLOB and BYTEA must round-trip exactly
    const body = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, b) => b)), randomBytes(2048)])
    const snapshot = t.stores.runs.putSnapshot(body, 'application/pdf', NOW)
    t.stores.runs.attachDocument(run, `doc${i}`, `https://legislature.example/doc${i}.pdf`, snapshot.id, NOW)
  }
  t.stores.runs.finish(run, { finished_at: NOW, outcome: 'unchanged', counts: { documents: 25 } })
  t.stores.scraping.putRobots({
    origin: 'https://legislature.example',
    status: 200,
    body: 'User-agent: *\n',
    fetched_at: NOW,
  })
  return t
}

/** A SQLite database one migration behind this code (the stores need the current schema: raw SQL only). */
function olderSqlite(): Db {
  const db = openDb(join(tempDir(), 'older.db'))
  onTestFinished(() => void db.close())
  migrate(db, undefined, readMigrations().length - 1)
  return db
}

/** Every table's rows in primary-key order, and the applied migration names. */
function dump(db: Db): Record<string, Row[]> {
  const out: Record<string, Row[]> = {}
  for (const t of readSchema(db))
    out[t.name] = db
      .prepare(`SELECT * FROM ${quoteIdent(t.name)} ORDER BY ${t.primaryKey.map(quoteIdent).join(', ')}`)
      .all() as Row[]
  out[MIGRATIONS_TABLE] = db.prepare(`SELECT version, name FROM ${MIGRATIONS_TABLE} ORDER BY version`).all() as Row[]
  return out
}

/** A PostgreSQL database migrated from the template and otherwise empty, closed after the test. */
function emptyPostgres(): TestDb {
  const url = postgresTestDatabase()
  const db = openPostgres(url)
  onTestFinished(() => db.close())
  return over(db, { url })
}

let source: TestDb
let sourceRows: Record<string, Row[]>
beforeAll(() => {
  source = forFile(() => sqliteInstallation())
  sourceRows = dump(source.db)
})

describe('db:copy', () => {
  it('copies SQLite into PostgreSQL and back, row for row and byte for byte, and the copy serves the same answers', async () => {
    expect(sourceRows.webhook_deliveries!.length).toBeGreaterThan(100)
    expect(sourceRows.webhook_attempts).toHaveLength(1)
    expect(sourceRows.snapshots!.length).toBeGreaterThan(BLOB_PAGE_ROWS) // two pages

    const pg = emptyPostgres()
    const there = copyDatabase(source.db, pg.db)
    expect(there.verification.ok).toBe(true)
    expect(there.verification.timeline.source).toMatch(/^[0-9a-f]{64}$/)
    expect(there.sequences).toContain('webhook_deliveries.seq')
    expect(dump(pg.db)).toEqual(sourceRows)
    // the bytes themselves, not only equal as vitest sees them: a Buffer, every byte value in place
    const last = Number(pg.db.prepare('SELECT MAX(id) FROM snapshots').pluck().get())
    const gz = (db: Db) => (db.prepare('SELECT body_gz FROM snapshots WHERE id = ?').get(last) as Row).body_gz
    expect(Buffer.isBuffer(gz(pg.db))).toBe(true)
    expect((gz(pg.db) as Buffer).equals(gz(source.db) as Buffer)).toBe(true)
    expect(pg.stores.runs.getSnapshot(last)!.body.subarray(0, 256)).toEqual(
      Buffer.from(Array.from({ length: 256 }, (_, b) => b)),
    )

    const [fromSqlite, fromPostgres] = await Promise.all(
      [testApp(source), testApp(pg)].map(async ({ app }) => {
        const res = await app.request('/jurisdictions/US-AL')
        return { status: res.status, body: (await res.json()) as unknown }
      }),
    )
    expect(fromSqlite!.status).toBe(200)
    expect(fromPostgres).toEqual(fromSqlite)

    const path = join(tempDir(), 'back.db')
    const back = openDb(path)
    const home = copyDatabase(pg.db, back)
    expect(home.verification.ok).toBe(true)
    expect(home.verification.timeline.target).toBe(there.verification.timeline.source)
    expect(dump(back)).toEqual(sourceRows)
    back.close()
  })

  it('resets every identity sequence: a row inserted after the copy gets the next id', () => {
    const pg = emptyPostgres()
    copyDatabase(source.db, pg.db)
    const max = (table: string, column = 'id') =>
      Number(pg.db.prepare(`SELECT COALESCE(MAX(${column}), 0) FROM ${table}`).pluck().get())
    const runs = max('scrape_runs')
    expect(pg.stores.runs.start('us-al-legislature', 'v1', 'cli', NOW)).toBe(runs + 1)
    const keys = max('api_keys')
    expect(pg.stores.keys.create('after-the-move', false, NOW).record.id).toBe(keys + 1)
    const identities = pg.db
      .prepare(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'`,
      )
      .all() as { table_name: string; column_name: string }[]
    expect(identities).toContainEqual({ table_name: 'change_events', column_name: 'id' })
    expect(identities).toContainEqual({ table_name: 'webhook_deliveries', column_name: 'seq' })
    for (const { table_name, column_name } of identities) {
      const next = pg.db.prepare('SELECT nextval(pg_get_serial_sequence(?, ?))').pluck().get(table_name, column_name)
      expect(Number(next), `${table_name}.${column_name}`).toBe(max(table_name, column_name) + 1)
    }
  })

  it('refuses a non-empty target and writes nothing to it, not even a migration', () => {
    const pg = emptyPostgres()
    pg.stores.keys.create('already-here', true, NOW)
    const before = dump(pg.db)
    expect(() => copyDatabase(source.db, pg.db)).toThrow(CopyRefusedError)
    expect(() => copyDatabase(source.db, pg.db)).toThrow(/already holds data \(api_keys: 1 row\).*wrote nothing/)
    expect(dump(pg.db)).toEqual(before)

    // An older SQLite database with data in it: refused before migrate() could touch its schema.
    const older = olderSqlite()
    older
      .prepare(`INSERT INTO jurisdictions (code, name, level, parent, ocd_id, origin) VALUES (?, ?, ?, ?, ?, ?)`)
      .run('US', 'United States', 'country', null, null, 'builtin')
    const olderRows = dump(older)
    expect(() => copyDatabase(pg.db, older)).toThrow(/already holds data \(jurisdictions: 1 row\)/)
    expect(dump(older)).toEqual(olderRows)
    expect(olderRows[MIGRATIONS_TABLE]).toHaveLength(readMigrations().length - 1)
  })

  it('refuses a source at another schema version, naming both versions', () => {
    const older = olderSqlite()
    const pg = emptyPostgres()
    const before = dump(pg.db)
    const n = readMigrations().length
    expect(() => copyDatabase(older, pg.db)).toThrow(
      new RegExp(`at schema ${n - 1} but this kratomwatch is at ${n}: migrate the source first`),
    )
    expect(dump(pg.db)).toEqual(before)
  })

  it('runs from the command line: prints each table, the checksum, and refuses a second copy into the same database', async () => {
    const url = postgresTestDatabase()
    const first = await cliProcess(['db:copy', '--from', source.path, '--to', url], {})
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    for (const [table, rows] of Object.entries(sourceRows))
      if (table !== MIGRATIONS_TABLE)
        expect(first.stdout).toMatch(
          new RegExp(
            `^${table} +${rows.length.toLocaleString('en-US')} +${rows.length.toLocaleString('en-US')}  ok$`,
            'm',
          ),
        )
    expect(first.stdout).toMatch(
      new RegExp(`^schema_migrations +v${readMigrations().length} +v${readMigrations().length}  ok$`, 'm'),
    )
    const sums = [...first.stdout.matchAll(/^ {2}(?:source|target) ([0-9a-f]{64})/gm)].map((m) => m[1])
    expect(sums).toHaveLength(2)
    expect(sums[0]).toBe(sums[1])
    expect(first.stdout).toMatch(/; verified\.$/m)

    const again = await cliProcess(['db:copy', '--from', source.path, '--to', url], {})
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(
      /^kratomwatch: the target postgres:\/\/.* already holds data \(.*change_events: \d+ rows/,
    )
  })
})
