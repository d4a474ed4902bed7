/**
 * `kratomwatch db:copy --from A --to B`: moving house between SQLite and PostgreSQL (either way). The
 * target must be empty; it is migrated to this code's schema, the source must already be at it. Every
 * table is copied in foreign-key order, in pages of multi-row INSERTs, inside one transaction on the
 * target, while the source is read in one snapshot (so a writer still running on it cannot tear the
 * copy). On PostgreSQL every identity sequence then continues after the copied ids. Finally both sides
 * are counted and the timeline checksummed: any difference is reported and the command fails.
 * The decisions that need no database live in copy-plan.ts.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError, DatabaseOpenError } from '../errors.js'
import {
  BLOB_PAGE_ROWS,
  MIGRATIONS_TABLE,
  PAGE_ROWS,
  TIMELINE_TABLES,
  canonicalRow,
  copyOrder,
  formatVerification,
  insertChunks,
  multiRowInsert,
  pageQuery,
  parentsFirst,
  quoteIdent,
  timelineHash,
  verify,
  type Row,
  type TableInfo,
  type Tally,
  type Verification,
} from './copy-plan.js'
import { hasMigrationsTable, migrate, readMigrations } from './migrate.js'
import { openDb, type Db } from './open.js'
import { redactUrl } from './postgres/bridge.js'
import { openPostgres } from './postgres/database.js'

/** db:copy will not run: the target holds data, or the source is at another schema version. Nothing was written. */
export class CopyRefusedError extends AppError {
  readonly code = 'copy-refused'
}

export const isPostgresUrl = (spec: string) => /^postgres(ql)?:\/\//.test(spec)

/** How an endpoint is named in messages: the file path, or the URL without its password. */
export const endpointLabel = (spec: string) => (isPostgresUrl(spec) ? redactUrl(spec) : `sqlite:${spec}`)

/**
 * Opens one side of the copy: a PostgreSQL URL or a SQLite file path. The source is opened read-only
 * (a SQLite source must exist); a SQLite target is created when missing.
 */
export function openEndpoint(spec: string, side: 'source' | 'target'): Db {
  if (isPostgresUrl(spec)) return openPostgres(spec, { readonly: side === 'source' })
  if (side === 'source' && !existsSync(spec))
    throw new DatabaseOpenError(`--from "${spec}" does not exist: give the path of the SQLite database to copy.`)
  try {
    const db = openDb(spec, { readonly: side === 'source' })
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').get()
    return db
  } catch (error) {
    throw new DatabaseOpenError(
      `cannot open the SQLite database "${spec}" (--${side === 'source' ? 'from' : 'to'}): ${(error as Error).message}. ` +
        'Check the path and that it is a kratomwatch database.',
      { cause: error },
    )
  }
}

/** The tables of a database (schema_migrations apart) with their columns, keys and foreign keys, from its catalog. */
export function readSchema(db: Db): TableInfo[] {
  return (db.dialect === 'sqlite' ? sqliteSchema(db) : postgresSchema(db)).filter((t) => t.name !== MIGRATIONS_TABLE)
}

function sqliteSchema(db: Db): TableInfo[] {
  const names = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[]
  const tables = names.map((name) => {
    const cols = db.prepare('SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid').all(name) as {
      name: string
      type: string
      pk: number
    }[]
    return {
      name,
      columns: cols.map((c) => c.name),
      primaryKey: cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      hasBlob: cols.some((c) => /^blob$/i.test(c.type)),
      references: [] as TableInfo['references'],
    }
  })
  for (const t of tables) {
    const fks = db.prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)').all(t.name) as {
      table: string
      from: string
      to: string | null
    }[]
    t.references = fks.map((fk) => ({
      column: fk.from,
      table: fk.table,
      // REFERENCES t without a column names t's primary key
      refColumn: fk.to ?? tables.find((x) => x.name === fk.table)?.primaryKey[0] ?? 'rowid',
    }))
  }
  return tables
}

function postgresSchema(db: Db): TableInfo[] {
  const columns = db
    .prepare(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
       ORDER BY c.table_name, c.ordinal_position`,
    )
    .all() as { table_name: string; column_name: string; data_type: string }[]
  const keys = db
    .prepare(
      `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu
         ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
       WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
       ORDER BY tc.table_name, kcu.ordinal_position`,
    )
    .all() as { table_name: string; column_name: string }[]
  const fks = db
    .prepare(
      `SELECT rel.relname AS "table", a.attname AS "from", frel.relname AS ref, fa.attname AS "to"
       FROM pg_constraint c
       JOIN pg_class rel ON rel.oid = c.conrelid
       JOIN pg_class frel ON frel.oid = c.confrelid
       JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol) ON true
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
       JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
       WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
    )
    .all() as { table: string; from: string; ref: string; to: string }[]
  const tables = new Map<string, TableInfo>()
  for (const c of columns) {
    const t = tables.get(c.table_name) ?? {
      name: c.table_name,
      columns: [],
      primaryKey: [],
      references: [],
      hasBlob: false,
    }
    t.columns.push(c.column_name)
    if (c.data_type === 'bytea') t.hasBlob = true
    tables.set(c.table_name, t)
  }
  for (const k of keys) tables.get(k.table_name)?.primaryKey.push(k.column_name)
  for (const fk of fks) tables.get(fk.table)?.references.push({ column: fk.from, table: fk.ref, refColumn: fk.to })
  return [...tables.values()]
}

/** The migrations a database has applied (file names, in order), or null without schema_migrations. */
function appliedMigrations(db: Db): string[] | null {
  if (!hasMigrationsTable(db)) return null
  return db.prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY version`).pluck().all() as string[]
}

let seeded: Map<string, Set<string>> | undefined
/** The rows migrations themselves insert (the two subjects): a database holding only these is empty. */
function seededRows(): Map<string, Set<string>> {
  if (seeded) return seeded
  const db = openDb(':memory:')
  try {
    migrate(db)
    seeded = new Map(
      readSchema(db).map((t) => [
        t.name,
        new Set((db.prepare(`SELECT * FROM ${quoteIdent(t.name)}`).all() as Row[]).map(canonicalRow)),
      ]),
    )
    return seeded
  } finally {
    db.close()
  }
}

/** Tables holding rows that migrations did not put there, with their row counts. */
function dataIn(db: Db): { table: string; rows: number }[] {
  const found: { table: string; rows: number }[] = []
  for (const t of readSchema(db)) {
    const rows = Number(
      db
        .prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(t.name)}`)
        .pluck()
        .get(),
    )
    if (!rows) continue
    const expected = seededRows().get(t.name) ?? new Set()
    const onlySeeded =
      rows <= expected.size &&
      (db.prepare(`SELECT * FROM ${quoteIdent(t.name)}`).all() as Row[]).every((r) => expected.has(canonicalRow(r)))
    if (!onlySeeded) found.push({ table: t.name, rows })
  }
  return found
}

function refuseOccupied(db: Db, label: string): void {
  const occupied = dataIn(db)
  if (occupied.length)
    throw new CopyRefusedError(
      `the target ${label} already holds data (${occupied.map((o) => `${o.table}: ${o.rows} row${o.rows === 1 ? '' : 's'}`).join(', ')}); ` +
        'db:copy writes only into an empty database, and wrote nothing. Point --to at a new SQLite file or an empty ' +
        'PostgreSQL database (createdb), or drop this one if it is a failed earlier copy.',
    )
}

/** Counts every table, reads the applied migrations and checksums the timeline, as one side sees them now. */
function tally(db: Db, tables: readonly TableInfo[]): Tally {
  const counts: Record<string, number> = {}
  for (const t of tables)
    counts[t.name] = Number(
      db
        .prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(t.name)}`)
        .pluck()
        .get(),
    )
  const hash = timelineHash()
  for (const name of TIMELINE_TABLES) {
    const table = tables.find((t) => t.name === name)
    if (!table) throw new Error(`the schema has no ${name} table: this is not a kratomwatch database.`)
    for (const rows of pages(db, table)) for (const row of rows) hash.add(name, row)
  }
  return { counts, versions: appliedMigrations(db) ?? [], timeline: hash.digest() }
}

/** The rows of a table in primary-key order, a page at a time. */
function* pages(db: Db, table: TableInfo): Generator<Row[]> {
  const limit = table.hasBlob ? BLOB_PAGE_ROWS : PAGE_ROWS
  let after: Row | null = null
  for (;;) {
    const page = pageQuery(table, after, limit)
    const rows = db.prepare(page.sql).all(page.params) as Row[]
    if (rows.length) yield rows
    if (rows.length < limit) return
    after = rows.at(-1)!
  }
}

/** Inserts every row of `table` from source into target, parents first where it references itself. */
function copyTable(source: Db, target: Db, table: TableInfo): number {
  const release = parentsFirst(table)
  let copied = 0
  for (const rows of pages(source, table)) {
    for (const chunk of insertChunks(release.push(rows), table.columns.length)) {
      const insert = multiRowInsert(table.name, table.columns, chunk)
      copied += target.prepare(insert.sql).run(insert.params).changes
    }
  }
  release.finish()
  return copied
}

/** PostgreSQL: every identity column's sequence continues after the largest id copied (the next row gets max + 1). */
function resetSequences(db: Db): string[] {
  const identities = db
    .prepare(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`,
    )
    .all() as { table_name: string; column_name: string }[]
  for (const { table_name, column_name } of identities)
    db.prepare(
      `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(${quoteIdent(column_name)}) FROM ${quoteIdent(table_name)}), 0) + 1, false)`,
    ).get(quoteIdent(table_name), column_name)
  return identities.map((i) => `${i.table_name}.${i.column_name}`)
}

/** The source must be at exactly this code's schema: the target is migrated to it, and the columns must match. */
function checkSourceVersion(source: Db, label: string): void {
  const applied = appliedMigrations(source)
  if (!applied)
    throw new CopyRefusedError(`the source ${label} is not a kratomwatch database (no ${MIGRATIONS_TABLE}).`)
  const code = readMigrations().map((m) => m.name)
  if (applied.join() === code.join()) return
  const older = applied.length < code.length && applied.every((name, i) => name === code[i])
  throw new CopyRefusedError(
    older
      ? `the source ${label} is at schema ${applied.length} but this kratomwatch is at ${code.length}: migrate the source ` +
          'first (kratomwatch migrate with its DATABASE_PATH or DATABASE_URL), then copy. Nothing was written.'
      : `the source ${label} has migrations this kratomwatch does not ship (${applied.filter((n, i) => n !== code[i]).join(', ')}): ` +
          'copy with the kratomwatch version that wrote it. Nothing was written.',
  )
}

export interface CopyResult {
  verification: Verification
  /** Identity columns whose sequences were reset (PostgreSQL target). */
  sequences: string[]
  ms: number
}

/**
 * Copies `source` into the empty `target` and verifies the copy. Refuses (CopyRefusedError, nothing
 * written) when the source is not at this code's schema or the target holds data.
 */
export function copyDatabase(
  source: Db,
  target: Db,
  labels: { from: string; to: string } = { from: 'source', to: 'target' },
): CopyResult {
  const started = performance.now()
  checkSourceVersion(source, labels.from)
  refuseOccupied(target, labels.to) // before migrate(): a non-empty target must not even be migrated
  migrate(target)

  const tables = readSchema(source)
  const targetTables = new Map(readSchema(target).map((t) => [t.name, t]))
  for (const t of tables) {
    const other = targetTables.get(t.name)
    if (!other || other.columns.length !== t.columns.length || !t.columns.every((c) => other.columns.includes(c)))
      throw new Error(
        `table ${t.name} differs between ${labels.from} and ${labels.to} although both are at the same schema version: ` +
          'compare migrations/ with migrations/postgres/.',
      )
  }
  const order = copyOrder(tables)

  let sourceTally: Tally | undefined
  let sequences: string[] = []
  source.transaction(() => {
    // One snapshot for every read of the source: the tally and the copy see the same data.
    if (source.dialect === 'postgres') source.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    sourceTally = tally(source, tables)
    target
      .transaction(() => {
        refuseOccupied(target, labels.to) // again, under the write lock: nobody started writing meanwhile
        // Migrations' own rows (subjects) come again from the source.
        for (const t of [...order].reverse()) target.prepare(`DELETE FROM ${quoteIdent(t.name)}`).run()
        for (const t of order) copyTable(source, target, t)
        if (target.dialect === 'postgres') sequences = resetSequences(target)
      })
      .immediate()
  })()

  const verification = verify(sourceTally!, tally(target, tables))
  return { verification, sequences, ms: performance.now() - started }
}

/** The CLI command: opens both sides, copies, prints the verification; exit code 0 when verified, 1 when not. */
export function runCopyCommand(options: { from?: string; to?: string }): number {
  const { from, to } = options
  if (!from || !to)
    throw new CopyRefusedError(
      'db:copy needs --from and --to, each a SQLite file path or a postgres:// URL, e.g. ' +
        'db:copy --from data/kratomwatch.db --to postgres://kratomwatch:PASSWORD@localhost:5432/kratomwatch',
    )
  const same = isPostgresUrl(from) || isPostgresUrl(to) ? from === to : resolve(from) === resolve(to)
  if (same) throw new CopyRefusedError('--from and --to name the same database: copy into a new, empty one.')
  const labels = { from: endpointLabel(from), to: endpointLabel(to) }
  const source = openEndpoint(from, 'source')
  try {
    const target = openEndpoint(to, 'target')
    try {
      console.log(`db:copy ${labels.from} → ${labels.to}`)
      const result = copyDatabase(source, target, labels)
      console.log(formatVerification(result.verification, labels.from, labels.to, result.ms))
      return result.verification.ok ? 0 : 1
    } finally {
      target.close()
    }
  } finally {
    source.close()
  }
}
