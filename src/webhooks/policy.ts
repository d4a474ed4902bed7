/**
 * Delivery policy, pure: the Standard Webhooks retry schedule with jitter, Retry-After, and when a
 * subscription is disabled. The worker applies it; tests drive it with a fixed clock and random.
 */

const S = 1000
const M = 60 * S
const H = 60 * M

/** Delay before each attempt: attempt 1 at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5 * S,
  5 * M,
  30 * M,
  2 * H,
  5 * H,
  10 * H,
  14 * H,
  20 * H,
  24 * H,
]

/** A subscription whose every attempt failed for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * H

/** How long a rotated-out secret keeps signing. */
export const SECRET_OVERLAP_MS = 24 * H

/** The most a Retry-After header can push an attempt back. */
const MAX_RETRY_AFTER_MS = 24 * H

/** Jitter: ±10 % of each delay, so endpoints coming back are not hit by every retry at once. */
const JITTER = 0.1

/** Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000))
}

/**
 * When to try again after `attemptsMade` failed attempts, or null when the schedule is used up.
 * A Retry-After later than the scheduled delay wins (capped at 24 h).
 */
export function nextAttemptAt(
  attemptsMade: number,
  now: Date,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): Date | null {
  const base = RETRY_SCHEDULE_MS[attemptsMade]
  if (base === undefined) return null
  const jittered = base * (1 + JITTER * (2 * random() - 1))
  const requested = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS)
  return new Date(now.getTime() + Math.round(Math.max(jittered, requested)))
}

/** What an HTTP answer means: only 2xx succeeds; 410 Gone disables the subscription; 3xx and the rest fail. */
export function classifyStatus(status: number): 'succeeded' | 'gone' | 'failed' {
  if (status >= 200 && status < 300) return 'succeeded'
  if (status === 410) return 'gone'
  return 'failed'
}

/** The reason to disable a subscription failing since `failingSince`, or null if it has not failed long enough. */
export function failingTooLong(failingSince: string | null, now: Date): string | null {
  if (!failingSince) return null
  if (now.getTime() - Date.parse(failingSince) < DISABLE_AFTER_MS) return null
  return `disabled automatically: every delivery attempt since ${failingSince} failed (5 days). Fix the endpoint, then PATCH the subscription with {"enabled": true}; pending deliveries resume and POST /webhooks/:id/recover re-sends anything missed.`
}
