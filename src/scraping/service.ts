import type { Config } from '../config.js'
import type { Stores } from '../db/stores/index.js'
import type { DiffEngine } from '../diff/engine.js'
import { validate as validCron } from 'node-cron'
import { ConfigError, ConflictError, NotFoundError } from '../errors.js'
import { createFetcher, type Fetcher } from '../fetch/fetcher.js'
import type { Logger } from '../log.js'
import { PROCESS_TIMEOUT_MS, tickCoordinator } from '../cluster/presence.js'
import { createScheduler, type Scheduler } from '../scheduler.js'
import { scraperProvenance, type ScraperProvenance } from './provenance.js'
import { loadRegistry, type RegisteredScraper } from './registry.js'
import { createRunner, type RunOptions, type RunResult, type Runner } from './run.js'
import type { ScrapingStore } from '../db/stores/scraping.js'

/** How many recent runs the success rate is computed over. */
export const HEALTH_WINDOW = 20

/** Health of one scraper as `GET /scrapers` shows it. */
export interface ScraperHealth {
  id: string
  title: string | null
  region: string | null
  jurisdictions: string[]
  trust: string | null
  schedule: string | null
  parser_version: string | null
  enabled: boolean
  disabled_reason: string | null
  /** False for scrapers with run history whose file no longer exists (or not loaded in this role). */
  registered: boolean
  running: boolean
  last_run: {
    id: number
    started_at: string
    finished_at: string | null
    outcome: string
    reason: string | null
    error: string | null
    counts: Record<string, number>
  } | null
  last_success_at: string | null
  /** The last changed/unchanged run against the live source (test runs, served from fixtures, excluded). */
  last_live_success_at: string | null
  /** Whether the scraper's parse is proven on real material (`fixtures/<id>/`, src/scraping/provenance.ts). */
  provenance: ScraperProvenance['provenance']
  real_material: string[]
  consecutive_failures: number
  /** Share of the last `HEALTH_WINDOW` finished runs that were changed or unchanged; null without runs. */
  success_rate: number | null
  runs_considered: number
  next_run_at: string | null
}

/** Health from the database and (where loaded) the registry and the scheduler. */
export function scraperHealth(
  store: ScrapingStore,
  registry: RegisteredScraper[] | null,
  extra: { nextRun?: (id: string) => Date | null; running?: string[] } = {},
): ScraperHealth[] {
  const ids = new Set([...(registry ?? []).map((r) => r.def.id), ...store.scraperIdsWithRuns()])
  const byId = new Map((registry ?? []).map((r) => [r.def.id, r]))
  return [...ids].sort().map((id) => {
    const reg = byId.get(id)
    const runs = store.recentRuns(id, HEALTH_WINDOW)
    const good = (o: string) => o === 'changed' || o === 'unchanged'
    let failures = 0
    for (const r of runs)
      if (!good(r.outcome)) failures++
      else break
    const last = runs[0]
    const lastGood = store.lastGoodRun(id)
    const next = reg && !reg.disabled ? (extra.nextRun?.(id) ?? null) : null
    return {
      id,
      title: reg?.def.title ?? null,
      region: reg?.region ?? null,
      jurisdictions: reg?.def.jurisdictions ?? [],
      trust: reg?.def.trust ?? null,
      schedule: reg?.def.schedule ?? null,
      parser_version: reg?.def.parserVersion ?? null,
      enabled: reg ? reg.disabled === null : false,
      disabled_reason: reg?.disabled ?? null,
      registered: reg !== undefined,
      running: extra.running?.includes(id) ?? false,
      last_run: last
        ? {
            id: last.id,
            started_at: last.started_at,
            finished_at: last.finished_at,
            outcome: last.outcome,
            reason: last.reason,
            error: last.error,
            counts: last.counts,
          }
        : null,
      last_success_at: lastGood?.finished_at ?? null,
      last_live_success_at: lastGood && lastGood.trigger !== 'test' ? lastGood.finished_at : null,
      ...scraperProvenance(id),
      consecutive_failures: failures,
      success_rate: runs.length
        ? Math.round((runs.filter((r) => good(r.outcome)).length / runs.length) * 1000) / 1000
        : null,
      runs_considered: runs.length,
      next_run_at: next ? next.toISOString() : null,
    }
  })
}

/** Daily maintenance: scheduled status changes whose date came, and snapshot retention. */
export const MAINTENANCE_JOB = { name: 'maintenance', schedule: '5 0 * * *' }

/**
 * The scraping side of the writer process: registry, fetcher (with the shared browser), runner
 * and scheduler, plus the queries the HTTP routes need.
 */
export async function createScrapingService(deps: {
  config: Config
  stores: Stores
  engine: DiffEngine
  clock: () => Date
  log: Logger
  registry?: RegisteredScraper[]
  httpBackoffMs?: number
}) {
  const { config, stores, engine, clock, log } = deps
  const store = stores.scraping
  const fetcher: Fetcher = createFetcher({ config, log, store, clock, httpBackoffMs: deps.httpBackoffMs })
  const registry = deps.registry ?? (await loadRegistry({ config, chromiumPath: fetcher.chromiumPath }))
  for (const r of registry)
    if (r.disabled) log.warn({ scraper: r.def.id, reason: r.disabled }, `scraper ${r.def.id} disabled: ${r.disabled}`)
  const runner: Runner = createRunner({ stores, engine, store, fetcher, config, clock, log })
  let scheduler: Scheduler | null = null
  let sweepTimer: NodeJS.Timeout | undefined

  /** Due transitions and snapshot pruning; the scheduler runs it daily. */
  function maintenance(): { activated: number; pruned: number } {
    const activated = engine.activateDue().length
    const cutoff = new Date(clock().getTime() - config.SNAPSHOT_RETENTION_DAYS * 86_400_000).toISOString()
    const pruned = store.pruneSnapshots(cutoff)
    stores.cluster.pruneTicks(new Date(clock().getTime() - 30 * 86_400_000).toISOString())
    stores.cluster.forgetSilent(new Date(clock().getTime() - 86_400_000).toISOString())
    log.info({ activated, pruned }, 'daily maintenance done')
    return { activated, pruned }
  }

  const find = (id: string): RegisteredScraper => {
    const reg = registry.find((r) => r.def.id === id)
    if (!reg) throw new NotFoundError('scraper', id)
    return reg
  }

  return {
    registry,
    store,
    fetcher,
    runner,
    maintenance,
    /** Runs a scraper by id (refusing a disabled one). */
    run(id: string, options: RunOptions = {}): Promise<RunResult> {
      const reg = find(id)
      if (reg.disabled) throw new ConflictError(`scraper "${id}" is disabled: ${reg.disabled}`)
      return runner.run(reg.def, options)
    },
    health: () =>
      scraperHealth(store, registry, { nextRun: (id) => scheduler?.nextRun(id) ?? null, running: runner.running() }),
    /** Starts cron tasks for every enabled scraper and the daily maintenance job. */
    async startScheduler(options: { maxRandomDelayMs?: number } = {}): Promise<Scheduler> {
      const abandoned = runner.abandonRunning('the previous process ended during the run', 'dead')
      if (abandoned) log.warn({ runs: abandoned }, 'runs left running by a previous process marked failed')
      const override = config.SCHEDULER_CRON_OVERRIDE
      if (override && !validCron(override))
        throw new ConfigError(`SCHEDULER_CRON_OVERRIDE "${override}" is not a valid cron expression.`)
      if (override)
        log.warn(
          { schedule: override },
          'SCHEDULER_CRON_OVERRIDE set: every scraper runs on this schedule instead of its own',
        )
      scheduler = createScheduler({
        log,
        coordinator: tickCoordinator(stores, clock),
        maxRandomDelayMs: options.maxRandomDelayMs ?? config.SCHEDULER_MAX_DELAY_MS,
        jobs: [
          ...registry
            .filter((r) => !r.disabled && (!config.SCHEDULER_ONLY || config.SCHEDULER_ONLY.includes(r.def.id)))
            .map((r) => ({
              name: r.def.id,
              schedule: override ?? r.def.schedule,
              run: () => runner.run(r.def, { trigger: 'schedule' }),
            })),
          { ...MAINTENANCE_JOB, run: async () => maintenance() },
        ],
      })
      await scheduler.start()
      // Runs of a worker that died elsewhere in the cluster are marked failed once its heartbeat stops.
      sweepTimer = setInterval(() => {
        try {
          const swept = runner.abandonRunning('the process running it stopped answering', 'dead')
          if (swept) log.warn({ runs: swept }, 'runs of a process that died marked failed')
        } catch (error) {
          log.warn({ err: error }, 'could not look for abandoned runs')
        }
      }, PROCESS_TIMEOUT_MS)
      sweepTimer.unref()
      return scheduler
    },
    /** Stops scheduling, lets running runs finish for up to `graceMs`, marks the rest abandoned, closes the browser. */
    async stop(graceMs = 10_000): Promise<void> {
      await scheduler?.stop()
      scheduler = null
      clearInterval(sweepTimer)
      const left = await runner.drain(graceMs)
      if (left.length) {
        log.warn({ scrapers: left }, 'runs still going at shutdown; marking them abandoned')
        runner.abandonRunning('the service stopped during the run', 'mine')
      }
      await fetcher.close()
    },
  }
}
export type ScrapingService = Awaited<ReturnType<typeof createScrapingService>>
