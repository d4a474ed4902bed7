import type { Config } from '../config.js'
import type { Stores } from '../db/stores/index.js'
import type { DiffEngine } from '../diff/engine.js'
import type { Logger } from '../log.js'
import type { StatusViews } from '../read/status-view.js'
import type { RegisteredScraper } from '../scraping/registry.js'
import type { ScrapingService } from '../scraping/service.js'
import type { CachedJson, CachedText } from './cache.js'

/** What every route can reach: the stores, the read models, configuration, the logger and the clock. */
export interface AppDeps {
  config: Config
  stores: Stores
  /** The diff engine over the same stores (applies approved reviews). */
  engine: DiffEngine
  views: StatusViews
  log: Logger
  clock: () => Date
  /** True once start-up (migrations, baseline) finished; /readyz answers 503 before. */
  ready: () => boolean
  /** The scraping side (registry, runner, scheduler); present in the writer roles (all, worker). */
  scraping?: ScrapingService
  /**
   * Read-only role: the scraper registry (titles, schedules, disabled reasons) for GET /scrapers, loaded once
   * by the caller (main.ts), so routes never reach into the fetch layer; null when it cannot be loaded.
   */
  scraperRegistry?: () => Promise<RegisteredScraper[] | null>
}

export interface AppEnv {
  Variables: {
    requestId: string
    deps: AppDeps
    /** Cached, ETagged JSON for public reads (one cache per app). */
    cachedJson: CachedJson
    /** The same cache for pages and feeds (HTML, Atom, iCalendar). */
    cachedText: CachedText
  }
}
