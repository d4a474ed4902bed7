import { createMiddleware } from 'hono/factory'
import type { ApiKey } from '../db/stores/keys.js'
import { ConflictError, ForbiddenError, RateLimitedError, UnauthorizedError } from '../errors.js'
import type { AppEnv } from './env.js'
import { writeLimiter } from './rate-limit.js'

/** Variables set by `requireKey`: the calling key. */
export interface AuthEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { apiKey: ApiKey }
}

/**
 * Requires `Authorization: Bearer <key>` (created with `kratomwatch keys create`); with
 * `{ admin: true }` the key must be an admin key. Sets `c.var.apiKey`. Writes (any method but
 * GET/HEAD/OPTIONS) are rate-limited per key (WRITE_RATE_PER_MINUTE, WRITE_RATE_BURST): 429 + Retry-After,
 * and refused with 409 by a read-only API process (role api), whose database connection cannot write.
 */
export function requireKey(options: { admin?: boolean } = {}) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match)
      throw new UnauthorizedError(
        'this endpoint needs an API key: send "Authorization: Bearer <key>" (create one with "kratomwatch keys create --name NAME").',
      )
    const key = c.var.deps.stores.keys.verify(match[1]!, c.var.deps.clock().toISOString())
    if (!key)
      throw new UnauthorizedError(
        'the API key is unknown or revoked; create a new one with "kratomwatch keys create --name NAME".',
      )
    if (options.admin && !key.is_admin)
      throw new ForbiddenError('this endpoint needs an admin key (kratomwatch keys create --name NAME --admin).')
    // Per-key rate limit on writes (issue 4): every write route authenticates here, so all are covered.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      if (c.var.deps.config.ROLE === 'api') {
        throw new ConflictError(
          'this process is a read-only API process (role api) and writes nothing; send writes to the writer process (serve --role all or worker).',
        )
      }
      const wait = writeLimiter(c.var.deps).take(key.id, c.var.deps.clock().getTime())
      if (wait > 0) throw new RateLimitedError(wait)
    }
    c.set('apiKey', key)
    await next()
  })
}
