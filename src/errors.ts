/**
 * The error hierarchy. Domain errors know nothing about HTTP: `http/problem.ts` maps `code` to a
 * status. Messages say what was wrong and what to do next.
 */
export abstract class AppError extends Error {
  abstract readonly code: string
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A bad environment variable; start-up stops. */
export class ConfigError extends AppError {
  readonly code = 'invalid-config'
}

/** Something asked for does not exist. */
export class NotFoundError extends AppError {
  readonly code = 'not-found'
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(
      `${kind} "${id}" was not found. Check the code or list what exists with GET /${kind === 'jurisdiction' ? 'jurisdictions' : kind + 's'}.`,
    )
  }
}

export interface InputIssue {
  field: string
  message: string
}

/** Malformed input (path, query, body); names each field. */
export class InputError extends AppError {
  readonly code = 'invalid-input'
  constructor(
    readonly target: string,
    readonly issues: InputIssue[],
  ) {
    super(`invalid ${target}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`)
  }
}

/** The database on disk does not match the migrations shipped with this code. */
export class MigrationError extends AppError {
  readonly code = 'migration-mismatch'
}

/** The database file cannot be opened (missing, unreadable, not a database, folder not writable); start-up stops. */
export class DatabaseOpenError extends AppError {
  readonly code = 'database-unavailable'
}

/** A request body over the limit (MAX_BODY_BYTES); nothing of it was kept. */
export class PayloadTooLargeError extends AppError {
  readonly code = 'payload-too-large'
}

/** A request body that is not JSON (form, multipart, text): the write routes read JSON only. */
export class UnsupportedMediaTypeError extends AppError {
  readonly code = 'unsupported-media-type'
}

/** The curated baseline dataset is malformed. */
export class DatasetError extends AppError {
  readonly code = 'invalid-dataset'
}

/** An observation refers to something the database does not know (jurisdiction, subject). */
export class ObservationError extends AppError {
  readonly code = 'invalid-observation'
}

/** No valid API key was presented. */
export class UnauthorizedError extends AppError {
  readonly code = 'unauthorized'
}

/** The key is valid but may not do this (e.g. an admin-only action). */
export class ForbiddenError extends AppError {
  readonly code = 'forbidden'
}

/** A request conflicts with the current state (e.g. deciding a review that is no longer pending). */
export class ConflictError extends AppError {
  readonly code = 'conflict'
}

/** Why a run came out degraded (DESIGN.md § Sources and trust). */
export type DegradedReason = 'blocked' | 'soft_404' | 'structure' | 'empty_unexpected' | 'http' | 'timeout'

/**
 * Scraping errors, named by what the runner does with them: every one makes the run `degraded`
 * with its `reason` (a broken scraper or source, never a change in the law).
 */
export abstract class ScrapeError extends AppError {
  abstract readonly reason: DegradedReason
  readonly outcome = 'degraded' as const
}

/** A fetch failed after its retries (network error, 4xx/5xx, too large, truncated). */
export class FetchError extends ScrapeError {
  readonly code = 'fetch-failed'
  constructor(
    message: string,
    readonly reason: 'http' | 'timeout' | 'blocked' = 'http',
    readonly status: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/**
 * The source answered with a bot wall, a 403/429, or robots.txt forbids the URL.
 *
 * @example
 * ```ts
 * if (/Just a moment|cf-challenge/.test(page.html)) throw new BlockedError('bot wall on the statute page')
 * ```
 */
export class BlockedError extends ScrapeError {
  readonly code = 'blocked'
  readonly reason = 'blocked' as const
}

/**
 * The source answered 200 with a "page not found" page.
 *
 * @example
 * ```ts
 * if (/page (was )?not found/i.test(text(page.$('h1')))) throw new SoftNotFoundError('the bill page is a "not found" page')
 * ```
 */
export class SoftNotFoundError extends ScrapeError {
  readonly code = 'soft-404'
  readonly reason = 'soft_404' as const
}

/**
 * The page no longer has the structure the scraper expects (a selector matched nothing).
 *
 * @example
 * ```ts
 * if (!page.$('#statute-text').length) throw new LayoutChangedError('statute text block #statute-text is gone')
 * ```
 */
export class LayoutChangedError extends ScrapeError {
  readonly code = 'layout-changed'
  readonly reason = 'structure' as const
}

/**
 * The page holds a value the scraper has no rule for (e.g. an unseen status label).
 *
 * @example
 * ```ts
 * throw new UnknownValueError(`unknown number word "${word}" in the minimum-age sentence`)
 * ```
 */
export class UnknownValueError extends ScrapeError {
  readonly code = 'unknown-value'
  readonly reason = 'structure' as const
}

/**
 * The scraper returned observations that fail validation.
 *
 * @example
 * ```ts
 * // thrown by the runner when parse returns an observation that fails the Observation schema
 * ```
 */
export class OutputInvalidError extends ScrapeError {
  readonly code = 'output-invalid'
  readonly reason = 'structure' as const
}

/**
 * The scraper returned nothing although it did not declare empty output possible.
 *
 * @example
 * ```ts
 * // thrown by the runner when parse returns [] and the definition has no emptyPossible: true
 * ```
 */
export class EmptyResultError extends ScrapeError {
  readonly code = 'empty-result'
  readonly reason = 'empty_unexpected' as const
}

/** A scraper file is invalid (bad definition, id ≠ filename, duplicate, bad cron); start-up stops. */
export class ScraperDefinitionError extends AppError {
  readonly code = 'invalid-scraper'
}

/** A webhook URL that may not receive deliveries (scheme, credentials, or a private/loopback/metadata address). */
export class UnsafeUrlError extends AppError {
  readonly code = 'unsafe-url'
}

/** Too many writes from one API key; try again after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  readonly code = 'rate-limited'
  constructor(readonly retryAfterSeconds: number) {
    super(
      `too many write requests for this API key; retry after ${retryAfterSeconds} s (the Retry-After header says when).`,
    )
  }
}
