import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { startCheckpointer } from './checkpoints.js'

/** What `run()` reports: rows changed. New ids come from RETURNING (both engines). */
export interface RunResult {
  changes: number
}

/** A prepared statement: the subset of better-sqlite3's the stores use, on both engines. */
export interface Statement {
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  run(...params: unknown[]): RunResult
  /** Rows as their first column's value. */
  pluck(toggle?: boolean): Statement
  /** Rows as arrays of their column values, in select order. */
  raw(toggle?: boolean): Statement
}

/** A function run in one transaction; `.immediate()` takes the write lock at once (SQLite BEGIN IMMEDIATE). */
export type TransactionFn = Parameters<Database.Database['transaction']>[0]
export type Transaction<F extends TransactionFn> = Database.Transaction<F>

/**
 * A database connection, SQLite (the embedded default) or PostgreSQL (DATABASE_URL), with the same
 * synchronous interface: statements with `?` or `@name` placeholders, transactions as plain calls.
 * SQL written for both engines: ON CONFLICT instead of INSERT OR IGNORE/REPLACE, RETURNING for new
 * ids, COALESCE, no SQLite-only functions (jsonValues and jsonField below where JSON is read); where
 * they must differ, branch on `dialect`. On PostgreSQL a parameter's first use fixes its type, so an
 * optional filter reads `(x = @p OR @p IS NULL)`, never `(@p IS NULL OR x = @p)`.
 */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres'
  readonly open: boolean
  /** Opened read-only (role api): every write fails. */
  readonly readonly: boolean
  readonly inTransaction: boolean
  prepare(sql: string): Statement
  transaction<F extends TransactionFn>(fn: F): Transaction<F>
  exec(sql: string): Db
  close(): void
}

/** An SQLite connection: the Db interface plus better-sqlite3's own API (pragmas, tests). */
export type SqliteDb = Database.Database & { readonly dialect: 'sqlite' }

/**
 * Opens (creating if needed) the SQLite file with the connection pragmas the service relies on:
 * WAL for concurrent readers, foreign keys, and a busy timeout for the rare writer overlap.
 * `backgroundCheckpoints` (the service's writer) moves WAL checkpoints to a worker thread (checkpoints.ts).
 */
export function openDb(path: string, options: { readonly?: boolean; backgroundCheckpoints?: boolean } = {}): SqliteDb {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
  // A new file gets 16 KiB pages (SQLite's default is 4 KiB): a change event's row is ~1.2 KB, and a diff batch
  // of 10,000 changes took ~10% less with the larger page (issue 14). An existing file keeps its page size.
  if (!options.readonly) {
    db.pragma('page_size = 16384')
    db.pragma('journal_mode = WAL')
  }
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  if (options.backgroundCheckpoints && !options.readonly && path !== ':memory:') {
    const checkpointer = startCheckpointer(db, path)
    const close = db.close.bind(db)
    db.close = () => {
      checkpointer.stop()
      return close()
    }
  }
  return Object.assign(db, { dialect: 'sqlite' as const })
}

/**
 * A subquery listing the values of a JSON array parameter (`param` is `?` or `@name`), for
 * `x IN (${'$'}{jsonValues(db, '?')})`: json_each on SQLite, json_array_elements_text on PostgreSQL.
 */
export function jsonValues(db: Db, param: string, type: 'text' | 'integer' = 'text'): string {
  if (db.dialect === 'sqlite') return `SELECT value FROM json_each(${param})`
  return `SELECT value${type === 'integer' ? '::bigint' : ''} FROM json_array_elements_text(CAST(${param} AS json))`
}

/**
 * Multi-row statements `sql(values)` with `perRow` positional values a row, one prepared statement per
 * row count (kept), returning their first column (e.g. RETURNING id). 500 rows of up to 32 values stay
 * under SQLite's 32,766 variables and PostgreSQL's 65,535.
 */
export function multiRow(db: Db, sql: (values: string) => string, perRow: number): (rows: number) => Statement {
  const statements = new Map<number, Statement>()
  const row = `(${Array.from({ length: perRow }, () => '?').join(', ')})`
  return (rows) => {
    let stmt = statements.get(rows)
    if (!stmt)
      statements.set(rows, (stmt = db.prepare(sql(Array.from({ length: rows }, () => row).join(', '))).pluck()))
    return stmt
  }
}

/** A text field of a JSON text column: json_extract on SQLite, ->> on PostgreSQL. */
export function jsonField(db: Db, column: string, field: string): string {
  return db.dialect === 'sqlite' ? `json_extract(${column}, '$.${field}')` : `(CAST(${column} AS json) ->> '${field}')`
}

/** The SQLite connection behind a Db, or null on PostgreSQL. */
export const sqliteOf = (db: Db): SqliteDb | null => (db.dialect === 'sqlite' ? (db as SqliteDb) : null)
