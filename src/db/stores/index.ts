import type { Db, SqliteDb } from '../open.js'
import type { PostgresDb } from '../postgres/database.js'
import { clusterStore } from './cluster.js'
import { eventStore } from './events.js'
import { jurisdictionStore } from './jurisdictions.js'
import { keyStore } from './keys.js'
import { measureStore } from './measures.js'
import { reviewStore } from './reviews.js'
import { runStore } from './runs.js'
import { scrapingStore } from './scraping.js'
import { subjectStore } from './subjects.js'
import { timelineStore } from './timeline.js'
import { webhookStore } from './webhooks.js'

/** Every store over one connection. Storage access goes through these modules only. */
export function createStores(db: Db) {
  return {
    db,
    jurisdictions: jurisdictionStore(db),
    subjects: subjectStore(db),
    timeline: timelineStore(db),
    events: eventStore(db),
    measures: measureStore(db),
    reviews: reviewStore(db),
    runs: runStore(db),
    keys: keyStore(db),
    scraping: scrapingStore(db),
    webhooks: webhookStore(db),
    cluster: clusterStore(db),
    /** Changes whenever data changes; the basis of the read cache. */
    dataVersion: db.dialect === 'sqlite' ? sqliteDataVersion(db as SqliteDb) : () => (db as PostgresDb).dataVersion(),
  }
}

/**
 * SQLite's data version: at once for this connection's own writes (total_changes), and within 250 ms
 * for other processes' commits (PRAGMA data_version costs ~3 µs, a file check, so it is not read on
 * every request).
 */
function sqliteDataVersion(db: SqliteDb): () => string {
  const otherWritersStmt = db.prepare('PRAGMA data_version').pluck()
  const ownWritesStmt = db.prepare('SELECT total_changes()').pluck()
  // A read-only connection (the api role) never writes: its own count stays 0, with no query per request.
  const ownWrites = db.readonly ? () => 0 : () => ownWritesStmt.get() as number
  let otherWriters = 0
  let checkedAt = -Infinity
  let version = { other: -1, own: -1, text: '' }
  return () => {
    const now = performance.now()
    if (now - checkedAt > 250) {
      otherWriters = otherWritersStmt.get() as number
      checkedAt = now
    }
    const own = ownWrites()
    if (own !== version.own || otherWriters !== version.other)
      version = { other: otherWriters, own, text: `${otherWriters}.${own}` }
    return version.text
  }
}
export type Stores = ReturnType<typeof createStores>
