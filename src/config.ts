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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `all` = API + writer (scheduler, scrapers, webhooks); `api` = read-only API; `worker` = writer only. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Absolute base URL used in links inside feeds and webhook payloads. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:8787'),
  /** Cache-Control max-age (seconds) for public reads. */
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(60),
})
export type Config = Readonly<z.infer<typeof ConfigSchema>>

/** Parses the environment into a frozen Config, or throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = ConfigSchema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(present[String(i.path[0])])})`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}. Fix these environment variables or unset them to use the defaults.`)
  }
  return Object.freeze(parsed.data)
}
