import type { Db } from '../open.js'
import { eventStore } from './events.js'
import { jurisdictionStore } from './jurisdictions.js'
import { keyStore } from './keys.js'
import { measureStore } from './measures.js'
import { reviewStore } from './reviews.js'
import { runStore } from './runs.js'
import { timelineStore } from './timeline.js'

/** Every store over one connection. Storage access goes through these modules only. */
export function createStores(db: Db) {
  const versionStmt = db.prepare('SELECT (SELECT data_version FROM pragma_data_version()) AS d, total_changes() AS t')
  return {
    db,
    jurisdictions: jurisdictionStore(db),
    timeline: timelineStore(db),
    events: eventStore(db),
    measures: measureStore(db),
    reviews: reviewStore(db),
    runs: runStore(db),
    keys: keyStore(db),
    /** Changes whenever any connection commits a write: the basis of ETags and the read cache. */
    dataVersion(): string {
      const v = versionStmt.get() as { d: number; t: number }
      return `${v.d}.${v.t}`
    },
  }
}
export type Stores = ReturnType<typeof createStores>
