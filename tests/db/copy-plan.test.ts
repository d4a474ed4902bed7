import { describe, expect, it } from 'vitest'
import {
  canonicalRow,
  copyOrder,
  formatVerification,
  insertChunks,
  multiRowInsert,
  pageQuery,
  parentsFirst,
  verify,
  type TableInfo,
} from '../../src/db/copy-plan.js'
import { readSchema } from '../../src/db/copy.js'
import { migrate } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'

const table = (name: string, references: TableInfo['references'] = [], primaryKey = ['id']): TableInfo => ({
  name,
  columns: ['id', ...references.map((r) => r.column)],
  primaryKey,
  references,
  hasBlob: false,
})

/** The real schema, as db:copy reads it from a migrated database. */
function schema(): TableInfo[] {
  const db = openDb(':memory:')
  migrate(db)
  const tables = readSchema(db)
  db.close()
  return tables
}

describe('db:copy plan', () => {
  it('orders every table of the schema after the tables it references (derived: a new table needs no list)', () => {
    const tables = schema()
    const order = copyOrder(tables).map((t) => t.name)
    expect([...order].sort()).toEqual(tables.map((t) => t.name).sort())
    expect(order).not.toContain('schema_migrations')
    for (const t of tables)
      for (const r of t.references)
        if (r.table !== t.name)
          expect(order.indexOf(r.table), `${t.name} → ${r.table}`).toBeLessThan(order.indexOf(t.name))
    // the references that matter most, spelled out
    expect(order.indexOf('jurisdictions')).toBeLessThan(order.indexOf('status_records'))
    expect(order.indexOf('webhook_deliveries')).toBeLessThan(order.indexOf('webhook_attempts'))
    expect(order.indexOf('snapshots')).toBeLessThan(order.indexOf('run_documents'))
  })

  it('reads keys, self-references and blob columns from the catalog', () => {
    const tables = new Map(schema().map((t) => [t.name, t]))
    expect(tables.get('run_documents')!.primaryKey).toEqual(['run_id', 'source_name'])
    expect(tables.get('webhook_deliveries')!.primaryKey).toEqual(['seq'])
    expect(tables.get('jurisdictions')!.references).toContainEqual({
      column: 'parent',
      table: 'jurisdictions',
      refColumn: 'code',
    })
    expect(tables.get('snapshots')!.hasBlob).toBe(true)
    expect(tables.get('change_events')!.hasBlob).toBe(false)
  })

  it('refuses a cycle between tables, naming them', () => {
    const a = table('a', [{ column: 'b_id', table: 'b', refColumn: 'id' }])
    const b = table('b', [{ column: 'a_id', table: 'a', refColumn: 'id' }])
    expect(() => copyOrder([a, b, table('c')])).toThrow(/between a, b form a cycle/)
  })

  it('releases a self-referencing row only after the row it refers to, across pages', () => {
    const places = table('places', [{ column: 'parent', table: 'places', refColumn: 'id' }])
    const release = parentsFirst(places)
    // a child read before its parent is held back until the parent's page
    expect(
      release.push([
        { id: 'B', parent: 'Z' },
        { id: 'C', parent: null },
        { id: 'D', parent: 'C' },
      ]),
    ).toEqual([
      { id: 'C', parent: null },
      { id: 'D', parent: 'C' },
    ])
    expect(release.push([{ id: 'Z', parent: 'C' }])).toEqual([
      { id: 'Z', parent: 'C' },
      { id: 'B', parent: 'Z' },
    ])
    expect(() => release.finish()).not.toThrow()
    const dangling = parentsFirst(places)
    dangling.push([{ id: 'E', parent: 'nowhere' }])
    expect(() => dangling.finish()).toThrow(/1 row\(s\) of places refer to a places row that does not exist/)
  })

  it('builds multi-row INSERTs within the parameter limit, and keyset pages by the primary key', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ a: i, b: `x${i}`, c: null }))
    expect(insertChunks(rows, 3, 9).map((c) => c.length)).toEqual([3, 3, 1])
    const insert = multiRowInsert('t', ['a', 'b', 'c'], rows.slice(0, 2))
    expect(insert.sql).toBe('INSERT INTO "t" ("a", "b", "c") VALUES (?, ?, ?), (?, ?, ?)')
    expect(insert.params).toEqual([0, 'x0', null, 1, 'x1', null])
    const docs = {
      ...table('run_documents'),
      columns: ['run_id', 'source_name'],
      primaryKey: ['run_id', 'source_name'],
    }
    expect(pageQuery(docs, null, 5).sql).toBe(
      'SELECT "run_id", "source_name" FROM "run_documents" ORDER BY "run_id", "source_name" LIMIT 5',
    )
    const next = pageQuery(docs, { run_id: 3, source_name: 'list' }, 5)
    expect(next.sql).toContain('WHERE ("run_id", "source_name") > (?, ?)')
    expect(next.params).toEqual([3, 'list'])
  })

  it('writes a row canonically whatever the key order, with bytes as hex', () => {
    expect(canonicalRow({ b: 1, a: 'x', c: Buffer.from([0, 255]) })).toBe('{"a":"x","b":1,"c":{"hex":"00ff"}}')
    expect(canonicalRow({ c: new Uint8Array([0, 255]), a: 'x', b: 1 })).toBe(
      canonicalRow({ a: 'x', b: 1, c: Buffer.from([0, 255]) }),
    )
  })

  it('verifies counts, versions and the timeline checksum, and says what differs', () => {
    const side = { counts: { a: 2, b: 0 }, versions: ['0001_init.sql'], timeline: 'abc' }
    const same = verify(side, { ...side, counts: { ...side.counts } })
    expect(same.ok).toBe(true)
    expect(formatVerification(same, 'sqlite:x.db', 'postgres://h/db', 1234)).toMatch(
      /copied 2 rows from sqlite:x\.db to postgres:\/\/h\/db in 1\.2 s; verified\.$/,
    )
    const short = verify(side, { ...side, counts: { a: 1, b: 0 }, timeline: 'abd' })
    expect(short.ok).toBe(false)
    const report = formatVerification(short, 'sqlite:x.db', 'postgres://h/db', 1)
    expect(report).toMatch(/^a\s+2\s+1\s+MISMATCH$/m)
    expect(report).toMatch(/target abd\s+MISMATCH/)
    expect(report).toMatch(/VERIFICATION FAILED/)
    expect(verify(side, { ...side, counts: { a: 2 } }).tables.find((t) => t.name === 'b')).toMatchObject({
      target: -1,
      ok: false,
    })
  })
})
