import { createMiddleware } from 'hono/factory'
import type { ApiKey } from '../db/stores/keys.js'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import type { AppEnv } from './env.js'

/** Variables set by `requireKey`: the calling key. */
export interface AuthEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { apiKey: ApiKey }
}

/**
 * Requires `Authorization: Bearer <key>` (created with `kratomwatch keys create`); with
 * `{ admin: true }` the key must be an admin key. Sets `c.var.apiKey`.
 */
export function requireKey(options: { admin?: boolean } = {}) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) throw new UnauthorizedError('this endpoint needs an API key: send "Authorization: Bearer <key>" (create one with "kratomwatch keys create --name NAME").')
    const key = c.var.deps.stores.keys.verify(match[1]!, c.var.deps.clock().toISOString())
    if (!key) throw new UnauthorizedError('the API key is unknown or revoked; create a new one with "kratomwatch keys create --name NAME".')
    if (options.admin && !key.is_admin) throw new ForbiddenError('this endpoint needs an admin key (kratomwatch keys create --name NAME --admin).')
    c.set('apiKey', key)
    await next()
  })
}
