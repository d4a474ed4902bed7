import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { InputError } from '../errors.js'

/** zod validation for a request part; failures throw InputError so problem.ts answers 400 naming the field. */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new InputError(
        target === 'param' ? 'path' : target,
        result.error.issues.map((i) => ({ field: i.path.join('.') || target, message: i.message })),
      )
    }
  })
}

/** Parses a value with a zod schema, throwing the same InputError as `validate()` on failure (for validators that try a cheap check first). */
export function parseOrThrow<T extends ZodType>(
  target: keyof ValidationTargets,
  schema: T,
  value: unknown,
): T['_zod']['output'] {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new InputError(
      target === 'param' ? 'path' : target,
      result.error.issues.map((i) => ({ field: i.path.join('.') || target, message: i.message })),
    )
  }
  return result.data
}
