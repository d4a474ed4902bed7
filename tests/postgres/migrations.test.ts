import { appendFileSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR, migrate, readMigrations, verifyMigrations } from '../../src/db/migrate.js'
import { openDb, type Db } from '../../src/db/open.js'
import { openPostgres } from '../../src/db/postgres/database.js'
import { MigrationError } from '../../src/errors.js'
import { postgresTestDatabase, tempDir } from '../helpers/db.js'
import { cliProcess } from '../helpers/processes.js'

/** An empty PostgreSQL database (the template's copy, with its tables dropped). */
function emptyPostgres(): { url: string; db: Db } {
  const url = postgresTestDatabase()
  const db = openPostgres(url)
  db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
  return { url, db }
}

type Columns = Record<string, string[]>

function sqliteColumns(): Columns {
  const db = openDb(join(tempDir(), 'schema.db'))
  migrate(db)
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[]
  const out: Columns = {}
  for (const t of tables)
    // A primary key is never null (SQLite reports an INTEGER PRIMARY KEY, the rowid, as nullable).
    out[t] = (
      db.prepare(`SELECT name, "notnull" OR pk > 0 AS required FROM pragma_table_info(?) ORDER BY name`).all(t) as {
        name: string
        required: number
      }[]
    ).map((c) => `${c.name}${c.required ? ' not null' : ''}`)
  db.close()
  return out
}

function postgresColumns(db: Db): Columns {
  const rows = db
    .prepare(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() ORDER BY table_name, column_name`,
    )
    .all() as { table_name: string; column_name: string; is_nullable: string }[]
  const out: Columns = {}
  for (const r of rows) (out[r.table_name] ??= []).push(`${r.column_name}${r.is_nullable === 'NO' ? ' not null' : ''}`)
  return out
}

describe('migrations on PostgreSQL', () => {
  it('apply to an empty database, once, and give the same tables and columns as SQLite', () => {
    const { db } = emptyPostgres()
    expect(migrate(db).applied).toEqual(readMigrations().map((m) => m.name))
    expect(migrate(db).applied).toEqual([])
    expect(verifyMigrations(db)).toBe(readMigrations().length)
    expect(postgresColumns(db)).toEqual(sqliteColumns())
  })

  it('refuse to start when an applied migration was edited, as on SQLite', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'postgres'))
    for (const sub of ['', 'postgres'])
      for (const f of readdirSync(join(MIGRATIONS_DIR, sub)).filter((f) => f.endsWith('.sql')))
        copyFileSync(join(MIGRATIONS_DIR, sub, f), join(dir, sub, f))
    const { db } = emptyPostgres()
    migrate(db, dir)
    appendFileSync(join(dir, 'postgres', '0002_api_keys.sql'), '\n-- an innocent-looking edit\n')
    expect(() => migrate(db, dir)).toThrow(/differs from migrations\/0002_api_keys\.sql/)
  })

  it('refuse a SQLite migration without its PostgreSQL twin', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'postgres'))
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')))
      copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f))
    const { db } = emptyPostgres()
    expect(() => migrate(db, dir)).toThrow(MigrationError)
    expect(() => migrate(db, dir)).toThrow(/missing in postgres\/: 0001_init\.sql/)
  })

  it('let several processes start at once on an empty database: one migrates, the others wait and find it done', async () => {
    const { url } = emptyPostgres()
    const runs = await Promise.all([1, 2, 3].map(() => cliProcess(['migrate'], { DATABASE_URL: url })))
    for (const r of runs) expect(r.code, r.stderr).toBe(0)
    const db = openPostgres(url)
    expect(verifyMigrations(db)).toBe(readMigrations().length)
    db.close()
  })
})
