import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../src/db/open.js'
import { tempDir } from '../helpers/db.js'

const MB = 1024 * 1024

/** Writes `bytes` of random rows (4,000 bytes each) into the file in one transaction. */
function write(db: ReturnType<typeof openDb>, bytes: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (body BLOB NOT NULL) STRICT')
  const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(4000))')
  db.transaction(() => {
    for (let i = 0; i < bytes / 4000; i++) insert.run()
  })()
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`gave up waiting: ${what}`)
}

describe('background checkpoints (the service writer)', () => {
  it('copy a large commit into the database file from the worker thread, not from the commit', async () => {
    const path = join(tempDir(), 'bg.db')
    const db = openDb(path, { backgroundCheckpoints: true })
    // New files get 16 KiB pages; the writer's own automatic checkpoint is only a safety net at 40 MB of log.
    expect(db.pragma('page_size', { simple: true })).toBe(16_384)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe((40 * MB) / 16_384)
    const before = statSync(path).size
    write(db, 20 * MB)
    // Right after the commit the pages are in the log only (the commit did not checkpoint them) ...
    expect(statSync(path).size).toBe(before)
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(20 * MB)
    // ... and the worker copies them into the database file soon after.
    await until(() => statSync(path).size > 20 * MB, 'the database file to receive the committed pages')
    expect(db.prepare('SELECT COUNT(*) FROM filler').pluck().get()).toBe(Math.ceil((20 * MB) / 4000))
    db.close()
    // Closing stopped the worker's connection first, so the writer's close (the last connection) removed the log.
    expect(existsSync(`${path}-wal`)).toBe(false)
  })

  it('are not started for other connections: the commit past 1,000 pages checkpoints itself (SQLite default)', () => {
    const path = join(tempDir(), 'plain.db')
    const db = openDb(path)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    write(db, 20 * MB) // 1,250 pages of 16 KiB
    expect(statSync(path).size).toBeGreaterThan(20 * MB)
    db.close()
  })
})
