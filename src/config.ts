import { z } from 'zod'
import { ConfigError } from './errors.js'

/**
 * Every setting kratomwatch reads from the environment, with its embedded default.
 * Parsed once at start by `loadConfig()`; a bad value stops start-up naming the variable.
 */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/kratomwatch.db'),
  /**
   * postgres://user:password@host:port/database selects PostgreSQL instead of the SQLite file, for
   * several API nodes and workers on several machines (README "Several nodes on PostgreSQL").
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL (unset it to use the SQLite file)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `all` = API + writer (scheduler, scrapers, webhooks); `api` = read-only API; `worker` = writer only. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Absolute base URL used in links inside feeds and webhook payloads. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:8787'),
  /** Cache-Control max-age (seconds) for public reads. */
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(60),
  // --- scraping (issue 3) ---
  /** Chromium for browser sources; else /usr/bin/chromium, else Playwright's own download. */
  CHROMIUM_PATH: z.string().min(1).optional(),
  /** Tests and demos only: send every fetch to this origin instead (the real host goes in `x-original-host`). */
  FETCH_ORIGIN_OVERRIDE: z.url({ protocol: /^https?$/ }).optional(),
  /** Contact URL put in the User-Agent, so a site owner can reach the maintainers. */
  USER_AGENT_CONTACT: z.url().default('https://github.com/kratomwatch/kratomwatch'),
  /** Run scrapers on their cron schedules (role all|worker). */
  SCHEDULER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Staging and tests: schedule only these scrapers (comma-separated ids); the others still run on demand. */
  SCHEDULER_ONLY: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean)
        : null,
    ),
  /** Staging and smoke tests: one cron expression (UTC) for every scraper instead of its own. */
  SCHEDULER_CRON_OVERRIDE: z.string().min(9).optional(),
  /** Random start delay of each scheduled run, spreading load (ms). */
  SCHEDULER_MAX_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  /** Snapshots older than this that evidence no change or review are pruned. */
  SNAPSHOT_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  /** Minimum delay between two requests to one host (ms). */
  FETCH_HOST_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(45_000),
  FETCH_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  /** Requests in flight across all hosts. */
  FETCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Browser pages rendered at once (more than 2 gains nothing on 2 cores). */
  BROWSER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Restart the shared browser when its memory passes this (MB). */
  BROWSER_MAX_MB: z.coerce.number().int().min(100).default(600),
  /** API keys of sources; a scraper needing a missing one is disabled, not failing. */
  LEGISCAN_API_KEY: z.string().min(1).optional(),
  OPENSTATES_API_KEY: z.string().min(1).optional(),
  REGULATIONS_GOV_API_KEY: z.string().min(1).optional(),
  // --- webhooks and write limits (issue 4) ---
  /** Allow plain http:// webhook URLs (development and tests only; production needs https). */
  WEBHOOK_ALLOW_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Comma-separated hosts, IPs or CIDRs that webhooks may reach although private (tests: `127.0.0.1`). */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    ),
  /** Webhook deliveries in flight at once, across subscriptions (each subscription gets one at a time). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(64),
  /** A delivery succeeds only on a 2xx within this time (ms). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(15_000),
  /** How often the delivery worker looks for due retries (ms); new events wake it at once. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Write requests (POST/PATCH/DELETE) each API key may make per minute, sustained. */
  WRITE_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Write requests a key may make in a burst before the per-minute rate applies. */
  WRITE_RATE_BURST: z.coerce.number().int().min(1).default(30),
  // --- hardening (issue 10) ---
  /** Memory the in-process read cache may hold, in MiB of response bodies (least recently used dropped first). */
  READ_CACHE_MAX_MB: z.coerce.number().int().min(1).max(4096).default(64),
  /** Serve GET /metrics without a key (only where the port is reachable from a private network alone); else an admin key. */
  METRICS_PUBLIC: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
})
export type Config = Readonly<z.infer<typeof ConfigSchema>>

/** Parses the environment into a frozen Config, or throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = ConfigSchema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(present[String(i.path[0])])})`,
    )
    throw new ConfigError(
      `invalid configuration: ${problems.join('; ')}. Fix these environment variables or unset them to use the defaults.`,
    )
  }
  return Object.freeze(parsed.data)
}
