import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AppError, InputError, RateLimitedError } from '../errors.js'
import type { AppEnv } from './env.js'

/** HTTP status of each domain error code; anything else is a 500. */
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  'not-found': 404,
  'invalid-input': 400,
  'invalid-observation': 422,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  'rate-limited': 429,
  'unsafe-url': 400,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** Writes an RFC 9457 problem+json response. */
export function problem(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  type: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return c.body(
    JSON.stringify({
      type: `https://kratomwatch.dev/problems/${type}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: c.req.path,
      request_id: c.get('requestId'),
      ...extra,
    }),
    status,
    { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' },
  )
}

/** The one error handler: domain errors to their status, anything unknown logged and answered 500. */
export function problemResponse(error: Error, c: Context<AppEnv>) {
  if (error instanceof AppError) {
    const status = STATUS_BY_CODE[error.code] ?? 500
    if (status === 401) c.header('www-authenticate', 'Bearer realm="kratomwatch"')
    if (error instanceof RateLimitedError) c.header('retry-after', String(error.retryAfterSeconds))
    const extra = error instanceof InputError ? { errors: error.issues } : {}
    if (status === 500)
      c.var.deps?.log.error({ err: error, request_id: c.get('requestId') }, 'unhandled application error')
    return problem(
      c,
      status,
      error.code,
      status === 500 ? 'An internal error occurred; it was logged.' : error.message,
      extra,
    )
  }
  if (error instanceof HTTPException) {
    const res = error.getResponse()
    if (res.headers.get('content-type')?.includes('problem+json')) return res
    return problem(
      c,
      error.status as ContentfulStatusCode,
      'http-error',
      error.message || TITLES[error.status] || 'Error',
    )
  }
  if (error instanceof SyntaxError) return problem(c, 400, 'invalid-input', `malformed request body: ${error.message}`)
  c.var.deps?.log.error({ err: error, request_id: c.get('requestId') }, 'unhandled error')
  return problem(c, 500, 'internal', 'An internal error occurred; it was logged.')
}
