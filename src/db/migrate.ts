import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MigrationError } from '../errors.js'
import { projectPath } from '../paths.js'
import type { Db } from './open.js'

/** The migrations folder shipped with the code (works from src/ under tsx and from dist/src/). */
export const MIGRATIONS_DIR = projectPath('migrations/')

/**
 * Each SQLite migration has a PostgreSQL twin of the same name in migrations/postgres/ (same tables
 * and columns; tests/db/migrations.test.ts compares the two schemas). A database runs its engine's.
 */
const dirFor = (db: Db, dir: string) => (db.dialect === 'postgres' ? join(dir, 'postgres') : dir)

/** Serialises migrating processes on PostgreSQL (two workers starting at once): "kw" + "migr". */
const MIGRATE_LOCK = 0x6b77_6d69

export interface MigrationFile {
  version: number
  name: string
  sql: string
  sha256: string
}

/** Reads `NNNN_description.sql` files, sorted, checking numbers are unique and contiguous from 1. */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
  const migrations = files.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file)
    if (!match) throw new MigrationError(`migration file "${file}" is not named NNNN_snake_description.sql; rename it.`)
    const sql = readFileSync(join(dir, file), 'utf8')
    return { version: Number(match[1]), name: file, sql, sha256: createHash('sha256').update(sql).digest('hex') }
  })
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(
        `migration numbers must be contiguous from 0001: expected ${String(i + 1).padStart(4, '0')}, found ${m.name}.`,
      )
  })
  return migrations
}

export interface MigrateResult {
  applied: string[]
  current: number
}

/**
 * Applies pending migrations, each in one transaction with its bookkeeping row. Refuses to run when
 * an applied migration's file was edited or removed, or when the database is newer than the code.
 */
export function migrate(db: Db, dir: string = MIGRATIONS_DIR, upTo?: number): MigrateResult {
  if (db.dialect === 'sqlite') return migrateLocked(db, dir, upTo)
  db.prepare('SELECT pg_advisory_lock(?)').get(MIGRATE_LOCK)
  try {
    return migrateLocked(db, dir, upTo)
  } finally {
    db.prepare('SELECT pg_advisory_unlock(?)').get(MIGRATE_LOCK)
  }
}

function migrateLocked(db: Db, dir: string, upTo?: number): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)${db.dialect === 'sqlite' ? ' STRICT' : ''}`)
  const files = readMigrations(dirFor(db, dir))
  if (db.dialect === 'postgres') checkTwins(readMigrations(dir), files)
  const applied = checkApplied(db, files)

  const insert = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)')
  const done: string[] = []
  for (const file of files.slice(applied.length)) {
    if (upTo !== undefined && file.version > upTo) break
    db.transaction(() => {
      db.exec(file.sql)
      insert.run(file.version, file.name, file.sha256, new Date().toISOString())
    }).immediate()
    done.push(file.name)
  }
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0
  return { applied: done, current }
}

/** Every SQLite migration has its PostgreSQL twin, by the same name, and no more. */
export function checkTwins(sqlite: MigrationFile[], postgres: MigrationFile[]): void {
  const missing = sqlite.filter((m) => !postgres.some((p) => p.name === m.name)).map((m) => m.name)
  const extra = postgres.filter((p) => !sqlite.some((m) => m.name === p.name)).map((p) => p.name)
  if (missing.length || extra.length)
    throw new MigrationError(
      `migrations/ and migrations/postgres/ must hold the same migrations (one schema, two engines): ` +
        [
          missing.length ? `missing in postgres/: ${missing.join(', ')}` : '',
          extra.length ? `only in postgres/: ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        '. Write the twin (npm run db:new creates both files).',
    )
}

type AppliedRow = { version: number; name: string; sha256: string }

/** The applied migrations, after checking they are an unedited prefix of the files. */
function checkApplied(db: Db, files: MigrationFile[]): AppliedRow[] {
  const applied = db
    .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[]
  for (const row of applied) {
    const file = files[row.version - 1]
    if (!file) {
      throw new MigrationError(
        `the database has migration ${row.name} applied, but this code ships only up to ${files.at(-1)?.name ?? 'none'}: the database is newer than the code. Run a newer kratomwatch, or restore a backup taken before the upgrade.`,
      )
    }
    if (file.name !== row.name || file.sha256 !== row.sha256) {
      throw new MigrationError(
        `applied migration ${row.name} differs from migrations/${file.name} (sha256 ${row.sha256.slice(0, 12)}… vs ${file.sha256.slice(0, 12)}…). Applied migrations are never edited: revert the file and put the change in a new migration (npm run db:new).`,
      )
    }
  }

  return applied
}

/** Whether the database has a schema_migrations table (a kratomwatch database, migrated at least once). */
export function hasMigrationsTable(db: Db): boolean {
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
      : `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
  return db.prepare(sql).get() !== undefined
}

/**
 * For read-only processes (`serve --role api`): checks that the database is exactly at the code's
 * schema without writing anything; a pending migration means the writer has not started yet.
 */
export function verifyMigrations(db: Db, dir: string = MIGRATIONS_DIR): number {
  const files = readMigrations(dirFor(db, dir))
  const applied = hasMigrationsTable(db) ? checkApplied(db, files) : []
  if (applied.length < files.length) {
    throw new MigrationError(
      `the database is at schema ${applied.length} but this code needs ${files.length}: start the writer (serve --role all or worker, or kratomwatch migrate) first.`,
    )
  }
  return applied.length
}
