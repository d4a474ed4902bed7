import type { Config } from '../config.js'

/** Configuration values that are secrets of a source: every `*_API_KEY` variable that is set. */
export function sourceSecrets(config: Config): { name: string; value: string }[] {
  return Object.entries(config)
    .filter((e): e is [string, string] => /_API_KEY$/.test(e[0]) && typeof e[1] === 'string' && e[1].length > 0)
    .map(([name, value]) => ({ name, value }))
}

/**
 * A function that replaces every source secret in a text by its `{NAME}` placeholder (the form
 * source URLs are recorded in): the raw value and its URL-encoded forms, since a key reaches
 * error messages inside URLs. Longest values first, so a key that contains another is replaced whole.
 */
export function createRedactor(config: Config): (text: string) => string {
  const forms: [string, string][] = []
  for (const { name, value } of sourceSecrets(config)) {
    for (const form of new Set([value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')]))
      forms.push([form, `{${name}}`])
  }
  forms.sort((a, b) => b[0].length - a[0].length)
  if (forms.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const [form, placeholder] of forms) out = out.split(form).join(placeholder)
    return out
  }
}

/**
 * Redacts an error in place before it leaves the fetch layer: its message, its stack and every
 * `cause` below it (loggers print the cause chain). Returns the same error, for `throw redactError(…)`.
 */
export function redactError<T>(error: T, redact: (text: string) => string): T {
  const seen = new Set<unknown>()
  let e: unknown = error
  let parent: Error | null = null
  while (e instanceof Error && !seen.has(e)) {
    seen.add(e)
    // Only when something changes, and never throwing: some errors (DOMException) have read-only fields.
    for (const field of ['message', 'stack'] as const) {
      const value = e[field]
      if (typeof value !== 'string') continue
      const clean = redact(value)
      if (clean === value) continue
      try {
        Object.defineProperty(e, field, { value: clean, writable: true, configurable: true, enumerable: false })
      } catch {
        // A frozen error cannot be cleaned: its parent gets a redacted copy as cause instead.
        if (parent)
          Object.defineProperty(parent, 'cause', {
            value: new Error(redact(e.message)),
            writable: true,
            configurable: true,
          })
      }
    }
    parent = e
    e = e.cause
  }
  return error
}
