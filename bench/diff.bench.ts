/**
 * Diff engine: time to apply 10,000 status observations to a file database — first as changes
 * (each makes a timeline row and an event), then again unchanged (each only confirms).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedJurisdictions } from '../src/baseline/load.js'
import { migrate } from '../src/db/migrate.js'
import { openDb } from '../src/db/open.js'
import { createStores } from '../src/db/stores/index.js'
import { createDiffEngine } from '../src/diff/engine.js'
import { StatusObservation, type Status } from '../src/domain/index.js'

const N = 10_000
const STATUSES: Status[] = ['legal', 'regulated', 'restricted', 'banned']

export default async function diffBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  try {
    const db = openDb(join(dir, 'diff.db'))
    migrate(db)
    const stores = createStores(db)
    seedJurisdictions(stores)
    const engine = createDiffEngine(stores, () => new Date('2026-11-25T12:00:00Z'))
    const codes = stores.jurisdictions.all().map((j) => j.code)
    const perPair = Math.ceil(N / (codes.length * 2))
    const observations: StatusObservation[] = []
    for (const code of codes) {
      for (const subject of ['kratom', '7-oh']) {
        for (let k = 0; k < perPair && observations.length < N; k++) {
          observations.push(
            StatusObservation.parse({
              kind: 'status',
              jurisdiction: code,
              subject,
              status: STATUSES[k % 4],
              min_age: k % 4 === 1 ? 21 : null,
              citation: `Bench Code § ${k}`,
              effective_date: `${2000 + k}-01-01`,
              source_url: 'https://example.gov/statute',
              confidence: 'high',
            }),
          )
        }
      }
    }
    const time = (label: string) => {
      const start = performance.now()
      const result = engine.apply({ source_id: 'bench', trust: 'primary', run_id: null, snapshot_id: null, observations })
      const ms = performance.now() - start
      console.log(`  ${label.padEnd(10)} ${N} observations in ${ms.toFixed(0)} ms (${((N / ms) * 1000).toFixed(0)}/s): ${result.events.length} events, ${result.confirmed} confirmed`)
    }
    console.log(`diff engine on a file database (${codes.length} places × 2 subjects × ${perPair} dated rows)`)
    time('changed')
    time('unchanged')
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
