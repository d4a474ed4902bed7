import { createHash } from 'node:crypto'
import { ownerGoneIn } from '../cluster/presence.js'
import type { Config } from '../config.js'
import type { Stores } from '../db/stores/index.js'
import type { DiffEngine } from '../diff/engine.js'
import { Observation, isoDay, type ChangeEvent } from '../domain/index.js'
import { EmptyResultError, ObservationError, OutputInvalidError, ScrapeError, type DegradedReason } from '../errors.js'
import type { Fetched, Fetcher, FetchTarget } from '../fetch/fetcher.js'
import type { Logger } from '../log.js'
import { metrics } from '../metrics.js'
import {
  FOLLOW_LIMIT_DEFAULT,
  FOLLOWED_NAME,
  MEMORY_MAX_BYTES,
  SourceSchema,
  type FetchedDocument,
  type ScraperDefinition,
  type Source,
} from './define-scraper.js'
import { toDocument } from './documents.js'
import { envValue } from './registry.js'
import type { ScrapingStore } from '../db/stores/scraping.js'

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

/** Run documents of followed sources are recorded as `followed.<name>` (declared names cannot contain a dot). */
export const FOLLOWED_PREFIX = 'followed.'

/** Checks what `follow` returned: an object of valid sources with valid names, at most `maxFollow` of them. */
export function checkFollowed(
  def: Pick<ScraperDefinition, 'id' | 'maxFollow'>,
  value: unknown,
): Record<string, Source> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new OutputInvalidError(
      `${def.id}: follow must return an object of sources by name, got ${Array.isArray(value) ? 'an array' : typeof value}. Fix follow in the scraper file.`,
    )
  }
  const entries = Object.entries(value as Record<string, unknown>)
  const limit = def.maxFollow ?? FOLLOW_LIMIT_DEFAULT
  if (entries.length > limit) {
    throw new OutputInvalidError(
      `${def.id}: follow asked for ${entries.length} sources, more than the limit of ${limit} per run (maxFollow); nothing was fetched. Have follow take at most ${limit} per run (the rest next run) or raise maxFollow within the source's query budget.`,
    )
  }
  for (const [name, source] of entries) {
    if (!FOLLOWED_NAME.test(name))
      throw new OutputInvalidError(
        `${def.id}: follow returned a source named ${JSON.stringify(name)}; names must match ${FOLLOWED_NAME}.`,
      )
    const parsed = SourceSchema.safeParse(source)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new OutputInvalidError(
        `${def.id}: follow returned an invalid source "${name}" at ${issue.path.join('.') || '(root)'}: ${issue.message}.`,
      )
    }
  }
  return value as Record<string, Source>
}

/** `remember`'s result as JSON; throws OutputInvalidError when it is not JSON or too large. */
export function serializeMemory(def: Pick<ScraperDefinition, 'id'>, value: unknown): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    throw new OutputInvalidError(`${def.id}: remember must return plain JSON data (${(error as Error).message}).`, {
      cause: error,
    })
  }
  if (json === undefined)
    throw new OutputInvalidError(
      `${def.id}: remember returned ${typeof value}; return plain JSON data (null to forget).`,
    )
  if (Buffer.byteLength(json) > MEMORY_MAX_BYTES)
    throw new OutputInvalidError(
      `${def.id}: remember returned ${Buffer.byteLength(json)} bytes of JSON, more than ${MEMORY_MAX_BYTES}; keep less (ids and hashes, not documents).`,
    )
  return json
}

/** Fills `{ENV_NAME}` placeholders in a URL from configuration; returns the real and the recorded (redacted) URL. */
export function resolveUrl(url: string, config: Config): { url: string; recordUrl: string } {
  return {
    url: url.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => encodeURIComponent(envValue(config, name) ?? '')),
    recordUrl: url,
  }
}

/**
 * Fills `{ENV_NAME}` placeholders in request headers (e.g. `X-API-KEY: {OPENSTATES_API_KEY}`).
 * Headers are never stored, so nothing needs redacting.
 */
export function resolveHeaders(
  headers: Record<string, string> | undefined,
  config: Config,
): Record<string, string> | undefined {
  if (!headers) return undefined
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      v.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => envValue(config, name) ?? ''),
    ]),
  )
}

/** A run row older than this is abandoned whoever owns it: fetch timeouts bound a run to minutes. */
export const STALE_RUN_MS = 6 * 3_600_000

/**
 * Marks `failed` the runs left `running` by processes that died (SIGKILL, power loss): at every
 * start of a writer (serve, CLI scrape) and again when the scheduler starts. Runs of live processes
 * (a CLI scrape beside the service) are left alone. Returns the ids marked.
 */
export function sweepAbandonedRuns(
  stores: Stores,
  clock: () => Date,
  why = 'the process running it ended during the run',
): number[] {
  const now = clock()
  // Its process is gone (a dead pid on this host, a silent heartbeat on another), or the row is older
  // than STALE_RUN_MS (a reused pid).
  const ownerGone = ownerGoneIn(stores, clock)
  const gone = stores.scraping
    .runningRuns()
    .filter((r) => now.getTime() - Date.parse(r.started_at) > STALE_RUN_MS || ownerGone(r.owner))
  for (const r of gone)
    stores.runs.finish(r.id, { finished_at: now.toISOString(), outcome: 'failed', error: `abandoned: ${why}` })
  return gone.map((r) => r.id)
}

/**
 * The run pipeline: fetch → (follow → fetch the followed sources) → snapshot → skip when unchanged
 * → parse → validate → diff engine → remember →
 * commit, with the run recorded as a row and streaks turned into `scraper.degraded` /
 * `scraper.recovered` events. A degraded or failed run never changes a status.
 */
export function createRunner(deps: {
  stores: Stores
  engine: DiffEngine
  store: ScrapingStore
  fetcher: Fetcher
  config: Config
  clock: () => Date
  log: Logger
}) {
  const { stores, engine, store, fetcher, config, clock } = deps
  const inFlight = new Map<string, Promise<RunResult>>()
  /** Run rows this runner opened and has not finished (other processes may have running rows too). */
  const openRuns = new Set<number>()

  function streakEvents(
    def: ScraperDefinition,
    runId: number,
    outcome: RunOutcomeKind,
    reason: string | null,
    error: string | null,
    now: string,
  ): ChangeEvent[] {
    const recent = store.recentRuns(def.id, FAILURES_BEFORE_DEGRADED + 1, runId)
    const bad = (r: { outcome: string }) => r.outcome === 'degraded' || r.outcome === 'failed'
    const base = {
      jurisdiction: null,
      subject: null,
      measure_id: null,
      scraper_id: def.id,
      effective_date: null,
      detected_at: now,
      supersedes: null,
      run_id: runId,
      snapshot_id: null,
    }
    if (bad({ outcome })) {
      // recent[0] is this run; fire once, when the streak reaches exactly the threshold.
      let streak = 0
      for (const r of recent)
        if (bad(r)) streak++
        else break
      if (streak !== FAILURES_BEFORE_DEGRADED) return []
      return [
        stores.events.append({
          ...base,
          type: 'scraper.degraded',
          changed_fields: ['health'],
          before: { health: 'ok' },
          after: { health: 'degraded', failures: streak, outcome, reason, error },
        }),
      ]
    }
    const before = store.recentRuns(def.id, FAILURES_BEFORE_DEGRADED, runId - 1)
    if (before.length === FAILURES_BEFORE_DEGRADED && before.every(bad)) {
      return [
        stores.events.append({
          ...base,
          type: 'scraper.recovered',
          changed_fields: ['health'],
          before: { health: 'degraded' },
          after: { health: 'ok', outcome },
        }),
      ]
    }
    return []
  }

  function finish(
    def: ScraperDefinition,
    runId: number,
    r: Omit<RunResult, 'run_id' | 'scraper_id' | 'events' | 'observations'> & {
      events?: ChangeEvent[]
      observations?: Observation[]
    },
  ): RunResult {
    const now = clock().toISOString()
    const events = [...(r.events ?? [])]
    openRuns.delete(runId)
    stores.db
      .transaction(() => {
        stores.runs.finish(runId, {
          finished_at: now,
          outcome: r.outcome,
          reason: r.reason,
          error: r.error,
          counts: r.counts,
        })
        events.push(...streakEvents(def, runId, r.outcome, r.reason, r.error, now))
      })
      .immediate()
    metrics.runs.inc({ scraper: def.id, outcome: r.outcome })
    return { scraper_id: def.id, run_id: runId, ...r, events, observations: r.observations ?? [] }
  }

  async function execute(def: ScraperDefinition, options: RunOptions): Promise<RunResult> {
    const log = deps.log.child({ scraper: def.id })
    const dry = options.dryRun ?? false
    const started = clock()
    const runId = dry
      ? null
      : stores.runs.start(def.id, def.parserVersion, options.trigger ?? 'manual', started.toISOString())
    if (runId !== null) openRuns.add(runId)
    const snapshotIds: number[] = []
    const result = (
      r: Omit<RunResult, 'run_id' | 'scraper_id' | 'events' | 'observations' | 'snapshot_ids' | 'skipped'> & {
        skipped?: boolean
        events?: ChangeEvent[]
        observations?: Observation[]
      },
    ): RunResult => {
      const full = { skipped: false, snapshot_ids: snapshotIds, ...r }
      if (runId === null) return { scraper_id: def.id, run_id: null, events: [], observations: [], ...full }
      return finish(def, runId, full)
    }
    try {
      type Doc = { name: string; kind: Source['kind']; url: string; body: Buffer; contentType: string; sha: string }
      // Fetches sources (politeness and retries are the fetcher's), storing each document at once
      // under `recordName`; throws the first failure once all have settled.
      const fetchAll = async (entries: [recordName: string, source: Source][]): Promise<Doc[]> => {
        const settled = await Promise.allSettled(
          entries.map(async ([recordName, source]): Promise<Doc> => {
            const { url, recordUrl } = resolveUrl(source.url, config)
            const target: FetchTarget = {
              kind: source.kind,
              url,
              recordUrl,
              headers: resolveHeaders(source.headers, config),
            }
            if (source.kind === 'html' || source.kind === 'browser')
              Object.assign(target, { prepare: source.prepare, waitFor: source.waitFor })
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
                if (fetched.etag || fetched.lastModified)
                  store.putHttpCache({
                    url: recordUrl,
                    etag: fetched.etag,
                    last_modified: fetched.lastModified,
                    snapshot_id: snapshotId,
                    final_url: fetched.url,
                    checked_at: now,
                  })
              }
              stores.runs.attachDocument(runId!, recordName, fetched.url, snapshotId, now)
              snapshotIds.push(snapshotId)
            }
            return { name: recordName, kind: source.kind, url: fetched.url, body, contentType, sha }
          }),
        )
        const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
        if (failure) throw failure.reason
        return settled.map((s) => (s as PromiseFulfilledResult<Doc>).value)
      }
      const toDocuments = async (list: Doc[]) => {
        const out: Record<string, FetchedDocument> = {}
        for (const d of list) out[d.name] = await toDocument(d.kind, d.url, d.body, d.contentType)
        return out
      }

      // 1. fetch every declared source.
      const docs = await fetchAll(Object.entries(def.sources))

      // 1b. the second phase: the sources `follow` asks for, given the first documents and the memory.
      const today = isoDay(started)
      const memory = store.memory(def.id)
      // A forced run (e.g. POST /scrapers/:id/run) keeps the memory: re-reading everything would spend
      // an API's query budget on every manual run. A new parser version starts from nothing.
      const previous = memory && memory.parser_version === def.parserVersion ? memory.memory : null
      let firstDocuments: Record<string, FetchedDocument> | null = null
      let followedDocs: Doc[] = []
      if (def.follow) {
        firstDocuments = await toDocuments(docs)
        const wanted = checkFollowed(def, def.follow(firstDocuments as never, { today, previous }))
        followedDocs = await fetchAll(
          Object.entries(wanted).map(([name, source]) => [`${FOLLOWED_PREFIX}${name}`, source]),
        )
      }
      const all = [...docs, ...followedDocs]
      const baseCounts: Record<string, number> = def.follow
        ? { documents: all.length, followed: followedDocs.length }
        : { documents: all.length }

      // 2. skip when neither the content (followed documents included) nor the parser changed.
      const contentHash = createHash('sha256')
        .update(JSON.stringify(all.map((d) => [d.name, d.sha]).sort()))
        .digest('hex')
      if (!dry) {
        store.setContentHash(runId!, contentHash)
        const last = store.lastGoodRun(def.id)
        if (
          !options.force &&
          last &&
          last.content_sha256 === contentHash &&
          last.parser_version === def.parserVersion
        ) {
          log.debug({ run_id: runId }, 'content and parser unchanged; skipped')
          return result({ outcome: 'unchanged', reason: null, error: null, skipped: true, counts: baseCounts })
        }
      }

      // 3. parse (pure) and validate every observation; what to remember is computed (not stored) here.
      const documents = firstDocuments ?? (await toDocuments(docs))
      const followed: Record<string, FetchedDocument> = {}
      for (const [name, doc] of Object.entries(await toDocuments(followedDocs)))
        followed[name.slice(FOLLOWED_PREFIX.length)] = doc
      const memoryJson = def.remember
        ? serializeMemory(def, def.remember(documents as never, { today, previous, followed }))
        : null
      const raw = def.parse(documents as never, { today, followed })
      if (!Array.isArray(raw))
        throw new OutputInvalidError(`${def.id}: parse must return an array of observations, got ${typeof raw}.`)
      const observations: Observation[] = raw.map((item, index) => {
        const parsed = Observation.safeParse(item)
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!
          throw new OutputInvalidError(
            `${def.id}: observation ${index} is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}. Fix parse in the scraper file.`,
          )
        }
        if (!def.jurisdictions.includes(parsed.data.jurisdiction)) {
          throw new OutputInvalidError(
            `${def.id}: observation ${index} is for ${parsed.data.jurisdiction}, which the scraper does not declare (jurisdictions: ${def.jurisdictions.join(', ')}).`,
          )
        }
        return parsed.data
      })
      if (observations.length === 0 && !def.emptyPossible) {
        throw new EmptyResultError(
          `${def.id}: parse returned no observations and the scraper does not declare emptyPossible; the page probably changed.`,
        )
      }
      if (dry)
        return result({
          outcome: 'unchanged',
          reason: null,
          error: null,
          observations,
          counts: { ...baseCounts, observations: observations.length },
        })

      // 4. one transaction: the diff engine's changes, the memory and the run's outcome. A process
      // killed at any point leaves either all of them or none (then the run row is still `running`,
      // and the next start marks it failed: nothing it found was recorded).
      const r = stores.db
        .transaction((): RunResult => {
          let applied
          try {
            applied = engine.apply({
              source_id: def.id,
              trust: def.trust,
              run_id: runId,
              snapshot_id: snapshotIds[0] ?? null,
              observations,
            })
          } catch (error) {
            if (error instanceof ObservationError)
              throw new OutputInvalidError(`${def.id}: ${error.message}`, { cause: error })
            throw error
          }
          // Stored with the engine's changes: a run that failed before keeps the old memory, so
          // what it did not finish is fetched again next time.
          if (memoryJson !== null) {
            store.putMemory({
              scraper_id: def.id,
              parser_version: def.parserVersion,
              memory_json: memoryJson,
              run_id: runId!,
              updated_at: clock().toISOString(),
            })
          }
          const { confirmed, held, ignored } = applied
          const counts = {
            ...baseCounts,
            observations: observations.length,
            events: applied.events.length,
            confirmed,
            held,
            ignored,
          }
          return result({
            outcome: applied.events.length ? 'changed' : 'unchanged',
            reason: null,
            error: null,
            events: applied.events,
            observations,
            counts,
          })
        })
        .immediate()
      log.info({ run_id: runId, outcome: r.outcome, ...r.counts }, 'scrape run finished')
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
        return {
          scraper_id: def.id,
          run_id: runId,
          outcome: 'failed',
          reason: null,
          error: message,
          skipped: false,
          events: [],
          observations: [],
          snapshot_ids: snapshotIds,
          counts: {},
        }
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
    /**
     * Marks runs left `running` as failed: this runner's own (`mine`, at shutdown), or those whose
     * owning process is gone (`dead`, at start-up: see `sweepAbandonedRuns`).
     */
    abandonRunning(why: string, scope: 'mine' | 'dead'): number {
      if (scope === 'dead') return sweepAbandonedRuns(stores, clock, why).length
      const ids = [...openRuns]
      openRuns.clear()
      const now = clock().toISOString()
      for (const id of ids) stores.runs.finish(id, { finished_at: now, outcome: 'failed', error: `abandoned: ${why}` })
      return ids.length
    },
  }
}
export type Runner = ReturnType<typeof createRunner>
