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
    super(`${kind} "${id}" was not found. Check the code or list what exists with GET /${kind === 'jurisdiction' ? 'jurisdictions' : kind + 's'}.`)
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
