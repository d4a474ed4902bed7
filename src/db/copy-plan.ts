/**
 * The pure parts of `kratomwatch db:copy` (src/db/copy.ts does the I/O): the order tables are copied
 * in (every referenced table before the tables that reference it, derived from the schema's foreign
 * keys, so a new table needs no list kept by hand), parents before children inside a table that
 * references itself, multi-row INSERTs sized to the engines' parameter limits, the canonical form
 * rows are hashed in, and the verification report.
 */
import { createHash, type Hash } from 'node:crypto'

/** One table as both engines' catalogs describe it. */
export interface TableInfo {
  name: string
  /** Column names, in the source's order. */
  columns: string[]
  /** Primary key columns, in key order: rows are read in pages ordered by them. */
  primaryKey: string[]
  /** Foreign keys: `column` holds a value of `refColumn` in `table`. */
  references: { column: string; table: string; refColumn: string }[]
  /** Holds a BLOB/BYTEA column (snapshots.body_gz): read in smaller pages. */
  hasBlob: boolean
}

export type Row = Record<string, unknown>

/** Bookkeeping of the migration runner: never copied row by row (the target is migrated), compared by version. */
export const MIGRATIONS_TABLE = 'schema_migrations'

/** The timeline: the tables whose rows are checksummed on both sides. */
export const TIMELINE_TABLES = ['status_records', 'change_events'] as const

/** Rows read per page (and inserted per statement), fewer where a page carries documents. */
export const PAGE_ROWS = 500
export const BLOB_PAGE_ROWS = 20
/** Parameters one statement may bind: under SQLite's 32,766 and PostgreSQL's 65,535. */
export const MAX_PARAMS = 30_000

/**
 * The tables in copy order: a table comes after every other table it references (references to
 * itself are handled row by row, see parentsFirst), and otherwise in name order so the order is
 * stable. Throws on a cycle between tables, naming them: no insert order could satisfy it.
 */
export function copyOrder(tables: readonly TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const done = new Set<string>()
  const order: TableInfo[] = []
  let pending = [...tables].sort((a, b) => (a.name < b.name ? -1 : 1))
  while (pending.length) {
    const ready = pending.filter((t) =>
      t.references.every((r) => r.table === t.name || done.has(r.table) || !byName.has(r.table)),
    )
    if (!ready.length)
      throw new Error(
        `the foreign keys between ${pending.map((t) => t.name).join(', ')} form a cycle: no copy order inserts ` +
          'every referenced row first. Make one of those references nullable and deferrable, or copy by hand.',
      )
    for (const t of ready) {
      order.push(t)
      done.add(t.name)
    }
    pending = pending.filter((t) => !done.has(t.name))
  }
  return order
}

/**
 * For a table that references itself (jurisdictions.parent, change_events.supersedes): releases rows
 * only once the row each refers to is released, in an earlier batch or the same one (a foreign key is
 * checked at the end of each statement on both engines). Rows arrive in primary-key order, where
 * parents usually come first, so nearly every row is released at once and little is held.
 */
export function parentsFirst(table: TableInfo) {
  const selfRefs = table.references.filter((r) => r.table === table.name)
  const released = new Map(selfRefs.map((r) => [r.refColumn, new Set<unknown>()]))
  let held: Row[] = []
  const remember = (row: Row) => {
    for (const [column, seen] of released) seen.add(row[column])
  }
  return {
    /** Adds rows read from the source; returns those that can be inserted now, in an order that satisfies the references. */
    push(rows: readonly Row[]): Row[] {
      if (!selfRefs.length) return [...rows]
      let waiting = [...held, ...rows]
      const out: Row[] = []
      for (;;) {
        const next: Row[] = []
        for (const row of waiting) {
          const ok = selfRefs.every((r) => {
            const v = row[r.column]
            return v === null || v === undefined || v === row[r.refColumn] || released.get(r.refColumn)!.has(v)
          })
          if (ok) {
            out.push(row)
            remember(row)
          } else next.push(row)
        }
        if (next.length === waiting.length) break
        waiting = next
      }
      held = waiting
      return out
    },
    /** After the last page: every row must have been released; one still held refers to a row that does not exist. */
    finish(): void {
      if (held.length) {
        const r = selfRefs[0]!
        throw new Error(
          `${held.length} row(s) of ${table.name} refer to a ${table.name} row that does not exist ` +
            `(e.g. ${r.column} = ${JSON.stringify(held[0]![r.column])}): repair the source database first.`,
        )
      }
    },
  }
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * One multi-row INSERT of `rows` into `table` with `?` placeholders and its parameters. Callers keep
 * `rows.length * columns.length` within MAX_PARAMS (see insertChunks).
 */
export function multiRowInsert(table: string, columns: readonly string[], rows: readonly Row[]) {
  const tuple = `(${columns.map(() => '?').join(', ')})`
  const sql = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`
  return { sql, params: rows.flatMap((row) => columns.map((c) => row[c] ?? null)) }
}

/** Splits rows into chunks one statement can bind. */
export function insertChunks<T>(rows: readonly T[], columnCount: number, maxParams = MAX_PARAMS): T[][] {
  const size = Math.max(1, Math.floor(maxParams / Math.max(1, columnCount)))
  const chunks: T[][] = []
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size))
  return chunks
}

/**
 * The SELECT of one page of `table`, ordered by its primary key, after the key of the previous page's
 * last row (keyset paging: each page costs the same however far into the table).
 */
export function pageQuery(table: TableInfo, after: Row | null, limit: number) {
  if (!table.primaryKey.length)
    throw new Error(`table ${table.name} has no primary key: db:copy reads tables in primary-key order.`)
  const key = table.primaryKey.map(quoteIdent).join(', ')
  const where = after ? ` WHERE (${key}) > (${table.primaryKey.map(() => '?').join(', ')})` : ''
  return {
    sql: `SELECT ${table.columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table.name)}${where} ORDER BY ${key} LIMIT ${limit}`,
    params: after ? table.primaryKey.map((c) => after[c]) : [],
  }
}

/**
 * A row as engine-independent text: keys sorted, bytes as hex, integers beyond 2^53 as decimal strings.
 * SQLite and PostgreSQL give the same JS values for the same stored data (the columns are the same,
 * text, integers, doubles and bytes), so equal rows give equal text.
 */
export function canonicalRow(row: Row): string {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(row).sort()) {
    const v = row[key]
    out[key] = Buffer.isBuffer(v) || v instanceof Uint8Array ? { hex: Buffer.from(v).toString('hex') } : v
  }
  return JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

/** sha256 over rows fed table by table in id order: each line is `table <TAB> canonical row <LF>`. */
export function timelineHash(): { add(table: string, row: Row): void; digest(): string } {
  const hash: Hash = createHash('sha256')
  return {
    add: (table, row) => void hash.update(`${table}\t${canonicalRow(row)}\n`),
    digest: () => hash.digest('hex'),
  }
}

/** What one side holds: rows per table, the migration versions applied, the timeline checksum. */
export interface Tally {
  counts: Record<string, number>
  versions: string[]
  timeline: string
}

export interface Verification {
  ok: boolean
  tables: { name: string; source: number; target: number; ok: boolean }[]
  versions: { source: string[]; target: string[]; ok: boolean }
  timeline: { source: string; target: string; ok: boolean }
}

/** Compares both sides: the same tables with the same row counts, the same versions, the same timeline checksum. */
export function verify(source: Tally, target: Tally): Verification {
  const names = [...new Set([...Object.keys(source.counts), ...Object.keys(target.counts)])].sort()
  const tables = names.map((name) => {
    const s = source.counts[name] ?? -1
    const t = target.counts[name] ?? -1
    return { name, source: s, target: t, ok: s === t && s >= 0 }
  })
  const versions = {
    source: source.versions,
    target: target.versions,
    ok: source.versions.join() === target.versions.join(),
  }
  const timeline = { source: source.timeline, target: target.timeline, ok: source.timeline === target.timeline }
  return { ok: tables.every((t) => t.ok) && versions.ok && timeline.ok, tables, versions, timeline }
}

const n = (v: number) => (v < 0 ? 'missing' : v.toLocaleString('en-US'))

/** The report db:copy prints: a line per table, the versions, the timeline checksum, and the verdict. */
export function formatVerification(v: Verification, from: string, to: string, ms: number): string {
  const width = Math.max(...v.tables.map((t) => t.name.length), MIGRATIONS_TABLE.length)
  const line = (name: string, s: string, t: string, ok: boolean) =>
    `${name.padEnd(width)}  ${s.padStart(9)}  ${t.padStart(9)}  ${ok ? 'ok' : 'MISMATCH'}`
  const copied = v.tables.reduce((sum, t) => sum + Math.max(0, t.target), 0)
  return [
    `${'table'.padEnd(width)}  ${'source'.padStart(9)}  ${'target'.padStart(9)}`,
    ...v.tables.map((t) => line(t.name, n(t.source), n(t.target), t.ok)),
    line(MIGRATIONS_TABLE, `v${v.versions.source.length}`, `v${v.versions.target.length}`, v.versions.ok),
    `timeline sha256 (${TIMELINE_TABLES.join(' + ')}, by id):`,
    `  source ${v.timeline.source}`,
    `  target ${v.timeline.target}  ${v.timeline.ok ? 'ok' : 'MISMATCH'}`,
    v.ok
      ? `copied ${n(copied)} rows from ${from} to ${to} in ${(ms / 1000).toFixed(1)} s; verified.`
      : `VERIFICATION FAILED: ${to} differs from ${from} (see MISMATCH above). Do not switch to it; drop it and copy again.`,
  ].join('\n')
}
