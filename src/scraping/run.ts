import { createHash } from 'node:crypto'
import type { Config } from '../config.js'
import type { Stores } from '../db/stores/index.js'
import type { DiffEngine } from '../diff/engine.js'
import { Observation, isoDay, type ChangeEvent } from '../domain/index.js'
import { EmptyResultError, ObservationError, OutputInvalidError, ScrapeError, type DegradedReason } from '../errors.js'
import type { Fetched, Fetcher, FetchTarget } from '../fetch/fetcher.js'
import type { Logger } from '../log.js'
import { metrics } from '../metrics.js'
import type { FetchedDocument, ScraperDefinition, Source } from './define-scraper.js'
import { toDocument } from './documents.js'
import { envValue } from './registry.js'
import type { ScrapingStore } from './store.js'

/** How many failed runs in a row raise `scraper.degraded`. */
export const FAILURES_BEFORE_DEGRADED = 3

export type RunOutcomeKind = 'changed' | 'unchanged' | 'degraded' | 'failed'

/** What one run did. Errors are for failures, not outcomes: an unchanged page is a result, not an exception. */
export interface RunResult {
  scraper_id: string
  /** null for a dry run (nothing is written). */
  run_id: number | null
  outcome: RunOutcomeKind
  reason: DegradedReason | null
  error: string | null
  /** True when skipped because content and parser version were unchanged. */
  skipped: boolean
  events: ChangeEvent[]
  observations: Observation[]
  snapshot_ids: number[]
  counts: Record<string, number>
}

export interface RunOptions {
  trigger?: 'schedule' | 'manual' | 'cli' | 'api' | 'test'
  /** Fetch and parse only: no run row, no snapshot, no change. */
  dryRun?: boolean
  /** Parse even when content and parser version are unchanged. */
  force?: boolean
}

/** Fills `{ENV_NAME}` placeholders in a URL from configuration; returns the real and the recorded (redacted) URL. */
export function resolveUrl(url: string, config: Config): { url: string; recordUrl: string } {
  return { url: url.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => encodeURIComponent(envValue(config, name) ?? '')), recordUrl: url }
}

/**
 * The run pipeline: fetch → snapshot → skip when unchanged → parse → validate → diff engine →
 * commit, with the run recorded as a row and streaks turned into `scraper.degraded` /
 * `scraper.recovered` events. A degraded or failed run never changes a status.
 */
export function createRunner(deps: { stores: Stores; engine: DiffEngine; store: ScrapingStore; fetcher: Fetcher; config: Config; clock: () => Date; log: Logger }) {
  const { stores, engine, store, fetcher, config, clock } = deps
  const inFlight = new Map<string, Promise<RunResult>>()

  function streakEvents(def: ScraperDefinition, runId: number, outcome: RunOutcomeKind, reason: string | null, error: string | null, now: string): ChangeEvent[] {
    const recent = store.recentRuns(def.id, FAILURES_BEFORE_DEGRADED + 1, runId)
    const bad = (r: { outcome: string }) => r.outcome === 'degraded' || r.outcome === 'failed'
    const base = { jurisdiction: null, subject: null, measure_id: null, scraper_id: def.id, effective_date: null, detected_at: now, supersedes: null, run_id: runId, snapshot_id: null }
    if (bad({ outcome })) {
      // recent[0] is this run; fire once, when the streak reaches exactly the threshold.
      let streak = 0
      for (const r of recent) if (bad(r)) streak++
      else break
      if (streak !== FAILURES_BEFORE_DEGRADED) return []
      return [stores.events.append({ ...base, type: 'scraper.degraded', changed_fields: ['health'], before: { health: 'ok' }, after: { health: 'degraded', failures: streak, outcome, reason, error } })]
    }
    const before = store.recentRuns(def.id, FAILURES_BEFORE_DEGRADED, runId - 1)
    if (before.length === FAILURES_BEFORE_DEGRADED && before.every(bad)) {
      return [stores.events.append({ ...base, type: 'scraper.recovered', changed_fields: ['health'], before: { health: 'degraded' }, after: { health: 'ok', outcome } })]
    }
    return []
  }

  function finish(def: ScraperDefinition, runId: number, r: Omit<RunResult, 'run_id' | 'scraper_id' | 'events' | 'observations'> & { events?: ChangeEvent[]; observations?: Observation[] }): RunResult {
    const now = clock().toISOString()
    const events = [...(r.events ?? [])]
    stores.db.transaction(() => {
      stores.runs.finish(runId, { finished_at: now, outcome: r.outcome, reason: r.reason, error: r.error, counts: r.counts })
      events.push(...streakEvents(def, runId, r.outcome, r.reason, r.error, now))
    })()
    metrics.runs.inc({ scraper: def.id, outcome: r.outcome })
    return { scraper_id: def.id, run_id: runId, ...r, events, observations: r.observations ?? [] }
  }

  async function execute(def: ScraperDefinition, options: RunOptions): Promise<RunResult> {
    const log = deps.log.child({ scraper: def.id })
    const dry = options.dryRun ?? false
    const started = clock()
    const runId = dry ? null : stores.runs.start(def.id, def.parserVersion, options.trigger ?? 'manual', started.toISOString())
    const snapshotIds: number[] = []
    const result = (r: Omit<RunResult, 'run_id' | 'scraper_id' | 'events' | 'observations' | 'snapshot_ids' | 'skipped'> & { skipped?: boolean; events?: ChangeEvent[]; observations?: Observation[] }): RunResult => {
      const full = { skipped: false, snapshot_ids: snapshotIds, ...r }
      if (runId === null) return { scraper_id: def.id, run_id: null, events: [], observations: [], ...full }
      return finish(def, runId, full)
    }
    try {
      // 1. fetch every source (politeness and retries are the fetcher's), storing each document at once.
      const names = Object.keys(def.sources)
      const settled = await Promise.allSettled(
        names.map(async (name) => {
          const source = def.sources[name] as Source
          const { url, recordUrl } = resolveUrl(source.url, config)
          const target: FetchTarget = { kind: source.kind, url, recordUrl, headers: source.headers }
          if (source.kind === 'html' || source.kind === 'browser') Object.assign(target, { prepare: source.prepare, waitFor: source.waitFor })
          const fetched: Fetched = await fetcher.fetch(target, { conditional: !dry && !options.force })
          let body = fetched.body
          let contentType = fetched.contentType
          let sha = ''
          if (!dry) {
            const now = clock().toISOString()
            let snapshotId: number
            if (fetched.notModified && fetched.cachedSnapshotId !== null) {
              const snap = stores.runs.getSnapshot(fetched.cachedSnapshotId)!
              ;({ body, content_type: contentType, sha256: sha } = snap)
              snapshotId = snap.id
            } else {
              const snap = stores.runs.putSnapshot(body, contentType || 'application/octet-stream', now)
              snapshotId = snap.id
              sha = snap.sha256
              if (fetched.etag || fetched.lastModified) store.putHttpCache({ url: recordUrl, etag: fetched.etag, last_modified: fetched.lastModified, snapshot_id: snapshotId, final_url: fetched.url, checked_at: now })
            }
            stores.runs.attachDocument(runId!, name, fetched.url, snapshotId, now)
            snapshotIds.push(snapshotId)
          }
          return { name, kind: source.kind, url: fetched.url, body, contentType, sha }
        }),
      )
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
      if (failure) throw failure.reason
      const docs = settled.map((s) => (s as PromiseFulfilledResult<{ name: string; kind: Source['kind']; url: string; body: Buffer; contentType: string; sha: string }>).value)

      // 2. skip when neither the content nor the parser changed.
      const contentHash = createHash('sha256').update(JSON.stringify(docs.map((d) => [d.name, d.sha]).sort())).digest('hex')
      if (!dry) {
        store.setContentHash(runId!, contentHash)
        const last = store.lastGoodRun(def.id)
        if (!options.force && last && last.content_sha256 === contentHash && last.parser_version === def.parserVersion) {
          log.debug({ run_id: runId }, 'content and parser unchanged; skipped')
          return result({ outcome: 'unchanged', reason: null, error: null, skipped: true, counts: { documents: docs.length } })
        }
      }

      // 3. parse (pure) and validate every observation.
      const documents: Record<string, FetchedDocument> = {}
      for (const d of docs) documents[d.name] = await toDocument(d.kind, d.url, d.body, d.contentType)
      const raw = def.parse(documents as never, { today: isoDay(started) })
      if (!Array.isArray(raw)) throw new OutputInvalidError(`${def.id}: parse must return an array of observations, got ${typeof raw}.`)
      const observations: Observation[] = raw.map((item, index) => {
        const parsed = Observation.safeParse(item)
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!
          throw new OutputInvalidError(`${def.id}: observation ${index} is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}. Fix parse in the scraper file.`)
        }
        if (!def.jurisdictions.includes(parsed.data.jurisdiction)) {
          throw new OutputInvalidError(`${def.id}: observation ${index} is for ${parsed.data.jurisdiction}, which the scraper does not declare (jurisdictions: ${def.jurisdictions.join(', ')}).`)
        }
        return parsed.data
      })
      if (observations.length === 0 && !def.emptyPossible) {
        throw new EmptyResultError(`${def.id}: parse returned no observations and the scraper does not declare emptyPossible; the page probably changed.`)
      }
      if (dry) return result({ outcome: 'unchanged', reason: null, error: null, observations, counts: { documents: docs.length, observations: observations.length } })

      // 4. the diff engine commits in one transaction.
      let applied
      try {
        applied = engine.apply({ source_id: def.id, trust: def.trust, run_id: runId, snapshot_id: snapshotIds[0] ?? null, observations })
      } catch (error) {
        if (error instanceof ObservationError) throw new OutputInvalidError(`${def.id}: ${error.message}`, { cause: error })
        throw error
      }
      const counts = { documents: docs.length, observations: observations.length, events: applied.events.length, confirmed: applied.confirmed, held: applied.held, ignored: applied.ignored }
      const r = result({ outcome: applied.events.length ? 'changed' : 'unchanged', reason: null, error: null, events: applied.events, observations, counts })
      log.info({ run_id: runId, outcome: r.outcome, ...counts }, 'scrape run finished')
      return r
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (error instanceof ScrapeError) {
        log.warn({ run_id: runId, reason: error.reason, err: message }, 'scrape run degraded')
        return result({ outcome: 'degraded', reason: error.reason, error: message, counts: {} })
      }
      log.error({ run_id: runId, err: error }, 'scrape run failed')
      try {
        return result({ outcome: 'failed', reason: null, error: message, counts: {} })
      } catch (finishError) {
        log.error({ err: finishError }, 'could not record the failed run')
        return { scraper_id: def.id, run_id: runId, outcome: 'failed', reason: null, error: message, skipped: false, events: [], observations: [], snapshot_ids: snapshotIds, counts: {} }
      }
    }
  }

  return {
    /** Runs one scraper; a second call for the same scraper while one runs returns the running one. */
    run(def: ScraperDefinition, options: RunOptions = {}): Promise<RunResult> {
      if (options.dryRun) return execute(def, options)
      const running = inFlight.get(def.id)
      if (running) return running
      const p = execute(def, options).finally(() => inFlight.delete(def.id))
      inFlight.set(def.id, p)
      return p
    },
    /** Runs in progress, by scraper id. */
    running: () => [...inFlight.keys()],
    /** Waits for the runs in progress, at most `ms`; returns the ids still running. */
    async drain(ms: number): Promise<string[]> {
      const all = Promise.allSettled([...inFlight.values()])
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, ms).unref())])
      return [...inFlight.keys()]
    },
    /** Marks runs left `running` (by a process that died or stopped mid-run) as failed. */
    abandonRunning(why: string): number {
      const ids = store.runningRunIds()
      const now = clock().toISOString()
      for (const id of ids) stores.runs.finish(id, { finished_at: now, outcome: 'failed', error: `abandoned: ${why}` })
      return ids.length
    },
  }
}
export type Runner = ReturnType<typeof createRunner>
