import { copyFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR, migrate, readMigrations, verifyMigrations } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'
import { MigrationError } from '../../src/errors.js'
import { tempDir } from '../helpers/db.js'

function copyMigrations(): string {
  const dir = tempDir()
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')))
    copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f))
  return dir
}

function schemaDump(path: string): string {
  const db = openDb(path)
  const rows = db
    .prepare(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name`)
    .all() as { sql: string }[]
  db.close()
  return rows.map((r) => `${r.sql};`).join('\n\n') + '\n'
}

describe('migrations', () => {
  it('apply to an empty file database with WAL and foreign keys on', () => {
    const path = join(tempDir(), 'empty.db')
    const db = openDb(path)
    const result = migrate(db)
    expect(result.applied.length).toBe(readMigrations().length)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    const strict = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%STRICT%' AND name NOT LIKE 'sqlite_%'`,
      )
      .all()
    expect(strict).toEqual([])
    expect(migrate(db).applied).toEqual([])
    db.close()
  })

  it('match the committed schema snapshot', async () => {
    const path = join(tempDir(), 'schema.db')
    const db = openDb(path)
    migrate(db)
    db.close()
    await expect(schemaDump(path)).toMatchFileSnapshot('./schema.snapshot.sql')
  })

  it('are numbered contiguously from 0001 with snake_case names', () => {
    const files = readMigrations()
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1))
    for (const f of files) expect(f.name).toMatch(/^\d{4}_[a-z0-9_]+\.sql$/)
    for (const f of files) expect(f.sql.split('\n')[0]).toMatch(/^-- why:/)
  })

  it('refuse to start when an applied migration was edited', () => {
    const dir = copyMigrations()
    const db = openDb(join(tempDir(), 'edited.db'))
    migrate(db, dir)
    appendFileSync(join(dir, '0001_init.sql'), '\n-- an innocent-looking edit\n')
    expect(() => migrate(db, dir)).toThrow(MigrationError)
    expect(() => migrate(db, dir)).toThrow(/differs from migrations\/0001_init\.sql/)
    db.close()
  })

  it('refuse to start when the database is newer than the code', () => {
    const dir = copyMigrations()
    const count = readMigrations(dir).length
    const next = String(count + 1).padStart(4, '0')
    writeFileSync(
      join(dir, `${next}_from_the_future.sql`),
      '-- why: test\nCREATE TABLE future_things (id INTEGER PRIMARY KEY) STRICT;\n',
    )
    const path = join(tempDir(), 'newer.db')
    const db = openDb(path)
    migrate(db, dir)
    expect(() => migrate(db, MIGRATIONS_DIR)).toThrow(/newer than the code/)
    db.close()
  })

  it('let a read-only API process check the schema without writing', () => {
    const path = join(tempDir(), 'replica.db')
    const writer = openDb(path)
    migrate(writer, MIGRATIONS_DIR, 1)
    const reader = openDb(path)
    expect(() => verifyMigrations(reader)).toThrow(/start the writer/)
    migrate(writer)
    expect(verifyMigrations(reader)).toBe(readMigrations().length)
    reader.close()
    writer.close()
  })

  it('refuse a gap in the numbering', () => {
    const dir = copyMigrations()
    writeFileSync(join(dir, '0099_gap.sql'), '-- why: test\nSELECT 1;\n')
    expect(() => readMigrations(dir)).toThrow(/contiguous/)
  })

  it('roll back a failing migration with its bookkeeping row', () => {
    const dir = copyMigrations()
    const next = String(readMigrations(dir).length + 1).padStart(4, '0')
    writeFileSync(
      join(dir, `${next}_broken.sql`),
      '-- why: test\nCREATE TABLE half_done (id INTEGER PRIMARY KEY) STRICT;\nTHIS IS NOT SQL;\n',
    )
    const db = openDb(join(tempDir(), 'broken.db'))
    expect(() => migrate(db, dir)).toThrow()
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined()
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(
      Number(next) - 1,
    )
    db.close()
  })

  // The data-migration pattern (Signal's): migrate to N-1, insert, migrate to N, assert the data survived
  // and was moved as intended. Every migration that moves data adds a case here.
  it.each(
    readMigrations()
      .slice(1)
      .map((m) => [m.name, m.version] as const),
  )('keep existing data when applying %s', (_name, version) => {
    const db = openDb(join(tempDir(), 'data.db'))
    migrate(db, MIGRATIONS_DIR, version - 1)
    db.prepare(
      `INSERT INTO jurisdictions (code, name, level, parent, ocd_id, origin) VALUES ('US', 'United States', 'country', NULL, NULL, 'builtin')`,
    ).run()
    db.prepare(
      `INSERT INTO status_records (jurisdiction, subject, status, citation, summary, sources_json, confidence, recorded_at, verified_at, source_id, trust, activated_at)
      VALUES ('US', 'kratom', 'legal', 'none', 's', '[]', 'high', '2026-01-01', '2026-01-01', 'test', 'curated', '2026-01-01')`,
    ).run()
    migrate(db, MIGRATIONS_DIR, version)
    expect(db.prepare(`SELECT status, citation FROM status_records WHERE jurisdiction = 'US'`).get()).toEqual({
      status: 'legal',
      citation: 'none',
    })
    db.close()
  })

  it('move each delivery body to webhook_payloads once per event and body (0010), byte for byte', () => {
    const db = openDb(join(tempDir(), 'payloads.db'))
    migrate(db, MIGRATIONS_DIR, 9)
    db.exec(`INSERT INTO jurisdictions (code, name, level, parent, ocd_id, origin) VALUES ('US', 'United States', 'country', NULL, NULL, 'builtin');
      INSERT INTO api_keys (id, name, prefix, sha256, created_at) VALUES (1, 'k', 'kw_', 'h', '2026-01-01');
      INSERT INTO webhook_subscriptions (id, key_id, url, created_at, updated_at) VALUES
        ('ep_a', 1, 'https://a.example/', '2026-01-01', '2026-01-01'), ('ep_b', 1, 'https://b.example/', '2026-01-01', '2026-01-01');
      INSERT INTO change_events (id, type, jurisdiction, detected_at) VALUES (1, 'status.changed', 'US', '2026-01-01'),
        (2, 'status.changed', 'US', '2026-01-02');`)
    const insert =
      db.prepare(`INSERT INTO webhook_deliveries (seq, id, subscription_id, event_id, type, payload, next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, '2026-01-01', ?, '2026-01-01')`)
    const bodies = {
      1: '{"type":"status.changed","data":{"event_id":1,"note":"caf\u00e9 ✓"}}',
      2: '{"type":"status.changed","data":{"event_id":2}}',
      recovered: '{"type":"status.changed","data":{"event_id":2,"effective":"later"}}',
      ping: '{"type":"webhook.ping","data":{"subscription_id":"ep_a"}}',
    }
    insert.run(1, 'msg_1a', 'ep_a', 1, 'status.changed', bodies[1], '2026-01-01')
    insert.run(2, 'msg_1b', 'ep_b', 1, 'status.changed', bodies[1], '2026-01-02')
    insert.run(3, 'msg_2a', 'ep_a', 2, 'status.changed', bodies[2], '2026-01-02')
    insert.run(4, 'msg_2b', 'ep_b', 2, 'status.changed', bodies.recovered, '2026-01-03') // a recovery wrote another body
    insert.run(5, 'msg_pa', 'ep_a', null, 'webhook.ping', bodies.ping, '2026-01-04')
    insert.run(6, 'msg_pb', 'ep_b', null, 'webhook.ping', bodies.ping, '2026-01-04')
    db.exec(
      `INSERT INTO webhook_attempts (delivery_seq, attempt, trigger, started_at) VALUES (1, 1, 'scheduled', '2026-01-01')`,
    )
    migrate(db, MIGRATIONS_DIR, 10)
    const moved = db
      .prepare(
        `SELECT d.id, d.event_id, p.body, p.event_id AS body_event FROM webhook_deliveries d
        JOIN webhook_payloads p ON p.id = d.payload_id ORDER BY d.seq`,
      )
      .all()
    expect(moved).toEqual([
      { id: 'msg_1a', event_id: 1, body: bodies[1], body_event: 1 },
      { id: 'msg_1b', event_id: 1, body: bodies[1], body_event: 1 },
      { id: 'msg_2a', event_id: 2, body: bodies[2], body_event: 2 },
      { id: 'msg_2b', event_id: 2, body: bodies.recovered, body_event: 2 },
      { id: 'msg_pa', event_id: null, body: bodies.ping, body_event: null },
      { id: 'msg_pb', event_id: null, body: bodies.ping, body_event: null },
    ])
    expect(db.prepare('SELECT COUNT(*) FROM webhook_payloads').pluck().get()).toBe(4)
    expect(db.prepare('SELECT COUNT(*) FROM webhook_deliveries WHERE payload_id IS NULL').pluck().get()).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM webhook_attempts').pluck().get()).toBe(1)
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
  })
})
