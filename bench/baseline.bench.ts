/**
 * Curated baseline at start-up: time to read and validate every dataset file, to load them all into
 * a fresh file database (first start), and to find nothing to do on the next start (incremental).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadBaseline, readDataset, seedJurisdictions } from '../src/baseline/load.js'
import { migrate } from '../src/db/migrate.js'
import { openDb } from '../src/db/open.js'
import { createStores } from '../src/db/stores/index.js'
import { createDiffEngine } from '../src/diff/engine.js'

const time = <T>(fn: () => T): [T, number] => {
  const start = performance.now()
  const out = fn()
  return [out, performance.now() - start]
}

export default async function baselineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  try {
    const [dataset, readMs] = time(() => readDataset())
    console.log(
      `dataset: ${dataset.files.length} files, ${dataset.entries.length} entries, ${dataset.jurisdictions.length} local places`,
    )
    console.log(`  read + validate      ${readMs.toFixed(0)} ms`)
    const db = openDb(join(dir, 'baseline.db'))
    migrate(db)
    const stores = createStores(db)
    seedJurisdictions(stores)
    const engine = createDiffEngine(stores, () => new Date('2026-11-30T12:00:00Z'))
    const [first, firstMs] = time(() => loadBaseline(stores, engine))
    console.log(
      `  first start (load)   ${firstMs.toFixed(0)} ms: ${first.applied} entries applied, ${first.result?.events.length ?? 0} events`,
    )
    const [again, againMs] = time(() => loadBaseline(stores, engine))
    console.log(`  next start (nothing) ${againMs.toFixed(0)} ms: ${again.applied} entries applied`)
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
