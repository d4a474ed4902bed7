import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { getRequestListener, type ServerType } from '@hono/node-server'
import { loadBaseline, seedJurisdictions } from './baseline/load.js'
import type { Config } from './config.js'
import { migrate, verifyMigrations } from './db/migrate.js'
import { existsSync } from 'node:fs'
import { openDb, type Db } from './db/open.js'
import { redactUrl } from './db/postgres/bridge.js'
import { openPostgres } from './db/postgres/database.js'
import { startPresence } from './cluster/presence.js'
import { DatabaseOpenError } from './errors.js'
import { createStores, type Stores } from './db/stores/index.js'
import { createDiffEngine, type DiffEngine } from './diff/engine.js'
import { resolveChromium } from './fetch/browser.js'
import { createApp } from './http/app.js'
import { loadRegistry, type RegisteredScraper } from './scraping/registry.js'
import { sweepAbandonedRuns } from './scraping/run.js'
import { createScrapingService, type ScrapingService } from './scraping/service.js'
import type { Logger } from './log.js'
import { createStatusViews, type StatusViews } from './read/status-view.js'
import { startWebhookService } from './webhooks/index.js'
import { registerOutbox, type Outbox } from './webhooks/outbox.js'

/** The core every entry point shares: a migrated database, its stores, the diff engine and read models. */
export interface Core {
  db: Db
  stores: Stores
  engine: DiffEngine
  views: StatusViews
  clock: () => Date
  /** The webhook outbox, filled inside every event append (registered before anything appends). */
  outbox: Outbox
}

/**
 * Opens the configured database, read-only for `--role api`: PostgreSQL when DATABASE_URL is set,
 * else the SQLite file, turning SQLite's and the file system's errors into a DatabaseOpenError that
 * names DATABASE_PATH and says what to check.
 */
export function openDatabase(
  config: Pick<Config, 'DATABASE_PATH' | 'DATABASE_URL' | 'ROLE'>,
  options: { readonly?: boolean } = {},
): Db {
  const readonly = options.readonly ?? config.ROLE === 'api'
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL, { readonly })
  const path = config.DATABASE_PATH
  if (readonly && path !== ':memory:' && !existsSync(path)) {
    throw new DatabaseOpenError(
      `DATABASE_PATH "${path}" does not exist; a read-only API process (role api) opens the writer's database: ` +
        'start the writer (serve --role all or worker, or kratomwatch migrate) first, or fix DATABASE_PATH.',
    )
  }
  try {
    const db = openDb(path, { readonly, backgroundCheckpoints: true })
    // Reading the schema fails now, not later, on a file that is not a SQLite database.
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').get()
    return db
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new DatabaseOpenError(
      `cannot open the SQLite database at DATABASE_PATH "${path}"${readonly ? ' (read-only)' : ''}: ${reason}. ` +
        `Check the path, that this user may ${readonly ? 'read' : 'read and write'} the file and its folder, and that it is a kratomwatch database.`,
      { cause: error },
    )
  }
}

/**
 * Opens the database and brings it up to date: migrations, built-in jurisdictions, and (for the
 * writer roles) the curated baseline and any scheduled change whose date has come. A read-only API
 * process (`--role api`) writes nothing: it only checks the schema matches the code.
 */
export function openCore(config: Config, log: Logger, clock: () => Date = () => new Date()): Core {
  // An API process opens the file read-only: it can never write (nor take the write lock), and needs
  // no write permission on the file.
  const db = openDatabase(config)
  try {
    if (config.ROLE === 'api') verifyMigrations(db)
    else {
      const migrated = migrate(db)
      if (migrated.applied.length)
        log.info({ applied: migrated.applied, version: migrated.current }, 'migrations applied')
    }
    const stores = createStores(db)
    // Before the baseline load and activateDue: every event appended from here on fills the outbox.
    const outbox = registerOutbox(stores, { publicBaseUrl: config.PUBLIC_BASE_URL })
    const engine = createDiffEngine(stores, clock)
    if (config.ROLE !== 'api') {
      // Every writer start (serve, CLI scrape), not only the scheduler's: a killed run never stays `running`.
      const abandoned = sweepAbandonedRuns(stores, clock, 'the process running it ended during the run')
      if (abandoned.length) log.warn({ runs: abandoned }, 'runs left running by a process that died marked failed')
      seedJurisdictions(stores)
      const baseline = loadBaseline(stores, engine, undefined, clock)
      if (baseline.applied)
        log.info(
          { run_id: baseline.run_id, applied: baseline.applied, events: baseline.result?.events.length },
          'curated baseline loaded',
        )
      const due = engine.activateDue()
      if (due.length) log.info({ events: due.length }, 'scheduled changes took effect')
    }
    return { db, stores, engine, views: createStatusViews(stores, clock), clock, outbox }
  } catch (error) {
    db.close()
    throw error
  }
}

export interface Service {
  core: Core
  server: ServerType
  port: number
  /** Stops accepting requests, finishes what is running, closes the database. */
  stop(): Promise<void>
}

/**
 * The scraper registry a read-only API process (no scraping service) shows on GET /scrapers: titles, schedules
 * and disabled reasons, loaded once on first use; null when it cannot be loaded.
 */
export function lazyScraperRegistry(config: Config): () => Promise<RegisteredScraper[] | null> {
  let once: Promise<RegisteredScraper[] | null> | undefined
  return () =>
    (once ??= loadRegistry({ config, chromiumPath: resolveChromium(config.CHROMIUM_PATH) }).catch(() => null))
}

/** Starts the service: core, then the HTTP server. Resolves once it listens. */
export async function startService(
  config: Config,
  log: Logger,
  clock: () => Date = () => new Date(),
): Promise<Service> {
  const core = openCore(config, log, clock)
  // Writers keep a heartbeat, so the others can tell this process's runs and deliveries from a dead one's.
  const presence =
    config.ROLE === 'api' ? undefined : startPresence({ stores: core.stores, clock, role: config.ROLE, log })
  let ready = false
  // Writer roles load every scraper (refusing to start on an invalid one) and run them on schedule.
  let scraping: ScrapingService | undefined
  try {
    scraping =
      config.ROLE === 'api'
        ? undefined
        : await createScrapingService({ config, stores: core.stores, engine: core.engine, clock, log })
  } catch (error) {
    presence?.stop()
    core.db.close()
    throw error
  }
  const scraperRegistry = lazyScraperRegistry(config)
  const app = createApp({
    config,
    stores: core.stores,
    engine: core.engine,
    views: core.views,
    log,
    clock,
    ready: () => ready,
    scraping,
    scraperRegistry,
  })
  let server: ServerType
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      // @hono/node-server's listener, behind the read cache's own answer for what it holds (app.answerCached).
      const listener = getRequestListener(app.fetch, { hostname: config.HOST })
      const s = createServer((req, res) => {
        if (!app.answerCached(req, res)) void listener(req, res)
      })
      s.listen(config.PORT, config.HOST, () => resolve(s))
      s.once('error', reject)
    })
  } catch (error) {
    // e.g. the port is taken: release what start-up opened before reporting it.
    await scraping?.stop()
    presence?.stop()
    core.db.close()
    throw error
  }
  ready = true
  if (scraping && config.SCHEDULER_ENABLED) await scraping.startScheduler()
  const webhooks =
    config.ROLE === 'api'
      ? undefined
      : startWebhookService({ stores: core.stores, outbox: core.outbox, config, log, clock })
  const port = (server.address() as AddressInfo).port
  log.info(
    {
      port,
      host: config.HOST,
      role: config.ROLE,
      database: config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : config.DATABASE_PATH,
    },
    'kratomwatch listening',
  )

  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      ready = false
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await scraping?.stop()
      await webhooks?.stop()
      presence?.stop()
      core.db.close()
      log.info('kratomwatch stopped')
    })())
  return { core, server, port, stop }
}
