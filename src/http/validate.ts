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
