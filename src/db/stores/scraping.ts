import type { Db } from '../open.js'
import type { RunRow } from './runs.js'

export interface HttpCacheEntry {
  url: string
  etag: string | null
  last_modified: string | null
  snapshot_id: number
  final_url: string
  checked_at: string
}

export interface RobotsEntry {
  origin: string
  status: number
  body: string
  fetched_at: string
}

/** What a scraper remembered after its last successful run (migration 0005). */
export interface ScraperMemory {
  scraper_id: string
  parser_version: string
  memory: unknown
  run_id: number
  updated_at: string
}

export interface RunSummary extends RunRow {
  content_sha256: string | null
}

/**
 * Storage of the scraping framework (migration 0003): conditional-GET validators, the robots.txt
 * cache, run history queries for health and streaks, snapshot retention, and per-scraper memory
 * (migration 0005).
 */
export function scrapingStore(db: Db) {
  const getCache = db.prepare('SELECT * FROM http_cache WHERE url = ?')
  const putCache = db.prepare(`INSERT INTO http_cache (url, etag, last_modified, snapshot_id, final_url, checked_at)
    VALUES (@url, @etag, @last_modified, @snapshot_id, @final_url, @checked_at)
    ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, snapshot_id = excluded.snapshot_id,
      final_url = excluded.final_url, checked_at = excluded.checked_at`)
  const getRobots = db.prepare('SELECT * FROM robots_cache WHERE origin = ?')
  const putRobots =
    db.prepare(`INSERT INTO robots_cache (origin, status, body, fetched_at) VALUES (@origin, @status, @body, @fetched_at)
    ON CONFLICT (origin) DO UPDATE SET status = excluded.status, body = excluded.body, fetched_at = excluded.fetched_at`)
  const setHash = db.prepare('UPDATE scrape_runs SET content_sha256 = ? WHERE id = ?')
  const lastGood = db.prepare(
    `SELECT * FROM scrape_runs WHERE scraper_id = ? AND outcome IN ('changed', 'unchanged') ORDER BY id DESC LIMIT 1`,
  )
  const recent = db.prepare(
    `SELECT * FROM scrape_runs WHERE scraper_id = ? AND outcome != 'running' AND id <= ? ORDER BY id DESC LIMIT ?`,
  )
  const recentAll = db.prepare(
    `SELECT * FROM scrape_runs WHERE scraper_id = ? AND outcome != 'running' ORDER BY id DESC LIMIT ?`,
  )
  const scraperIds = db
    .prepare(`SELECT DISTINCT scraper_id FROM scrape_runs WHERE trigger != 'baseline' ORDER BY scraper_id`)
    .pluck()
  const running = db.prepare(`SELECT id FROM scrape_runs WHERE outcome = 'running'`).pluck()
  const runningOwned = db.prepare(`SELECT id, owner, started_at FROM scrape_runs WHERE outcome = 'running' ORDER BY id`)
  const getMemory = db.prepare('SELECT * FROM scraper_memory WHERE scraper_id = ?')
  const putMemory = db.prepare(`INSERT INTO scraper_memory (scraper_id, parser_version, memory_json, run_id, updated_at)
    VALUES (@scraper_id, @parser_version, @memory_json, @run_id, @updated_at)
    ON CONFLICT (scraper_id) DO UPDATE SET parser_version = excluded.parser_version, memory_json = excluded.memory_json,
      run_id = excluded.run_id, updated_at = excluded.updated_at`)
  const listRuns = db.prepare(
    `SELECT * FROM scrape_runs WHERE scraper_id = ? AND (id < @before OR @before IS NULL) ORDER BY id DESC LIMIT @limit`,
  )

  const toRun = (raw: Record<string, unknown> | undefined): RunSummary | undefined => {
    if (!raw) return undefined
    const { counts_json, ...rest } = raw as unknown as RunSummary & { counts_json: string }
    return { ...rest, counts: JSON.parse(counts_json) as Record<string, number> }
  }

  return {
    httpCache: (url: string) => getCache.get(url) as HttpCacheEntry | undefined,
    putHttpCache: (entry: HttpCacheEntry) => void putCache.run(entry),
    robots: (origin: string) => getRobots.get(origin) as RobotsEntry | undefined,
    putRobots: (entry: RobotsEntry) => void putRobots.run(entry),
    setContentHash: (runId: number, sha256: string) => void setHash.run(sha256, runId),
    /** The last run of a scraper that completed normally (changed or unchanged). */
    lastGoodRun: (scraperId: string) => toRun(lastGood.get(scraperId) as Record<string, unknown> | undefined),
    /** Finished runs, newest first; `upTo` limits to ids ≤ it. */
    recentRuns: (scraperId: string, limit: number, upTo?: number): RunSummary[] =>
      (upTo === undefined ? recentAll.all(scraperId, limit) : recent.all(scraperId, upTo, limit)).map((r) =>
        toRun(r as Record<string, unknown>)!,
      ),
    runs: (scraperId: string, page: { before?: number; limit: number }): RunSummary[] =>
      listRuns
        .all(scraperId, { before: page.before ?? null, limit: page.limit })
        .map((r) => toRun(r as Record<string, unknown>)!),
    scraperIdsWithRuns: () => scraperIds.all() as string[],
    runningRunIds: () => running.all() as number[],
    /** Runs still marked `running`, with the process that owns each (`host:pid`, null before migration 0006). */
    runningRuns: () => runningOwned.all() as { id: number; owner: string | null; started_at: string }[],
    /** What `remember` returned after the scraper's last successful run, or undefined. */
    memory(scraperId: string): ScraperMemory | undefined {
      const row = getMemory.get(scraperId) as
        | { scraper_id: string; parser_version: string; memory_json: string; run_id: number; updated_at: string }
        | undefined
      if (!row) return undefined
      const { memory_json, ...rest } = row
      return { ...rest, memory: JSON.parse(memory_json) as unknown }
    },
    /** Replaces the scraper's memory (`json` is already serialized). */
    putMemory: (entry: {
      scraper_id: string
      parser_version: string
      memory_json: string
      run_id: number
      updated_at: string
    }) => void putMemory.run(entry),

    /**
     * Deletes snapshots created before `before` that evidence nothing: not referenced by a change
     * event, a timeline row, a review, the HTTP cache, or the latest run of any scraper. The run
     * rows stay; their document links to pruned snapshots go. Returns the number deleted.
     */
    pruneSnapshots(before: string): number {
      return db
        .transaction(() => {
          db.prepare(`CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY)`).run()
          db.prepare('DELETE FROM prune_ids').run()
          db.prepare(
            `INSERT INTO prune_ids (id)
          SELECT s.id FROM snapshots s WHERE s.created_at < ?
            AND NOT EXISTS (SELECT 1 FROM change_events e WHERE e.snapshot_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM status_records r WHERE r.snapshot_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.snapshot_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM http_cache h WHERE h.snapshot_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM run_documents d WHERE d.snapshot_id = s.id
              AND d.run_id IN (SELECT MAX(id) FROM scrape_runs GROUP BY scraper_id))`,
          ).run(before)
          db.prepare('DELETE FROM run_documents WHERE snapshot_id IN (SELECT id FROM prune_ids)').run()
          const n = db.prepare('DELETE FROM snapshots WHERE id IN (SELECT id FROM prune_ids)').run().changes
          db.prepare('DELETE FROM prune_ids').run()
          return n
        })
        .immediate()
    },
  }
}
export type ScrapingStore = ReturnType<typeof scrapingStore>
