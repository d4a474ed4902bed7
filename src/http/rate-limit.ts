import type { AppDeps } from './env.js'

/** A token bucket per API key: `burst` writes at once, refilled at `perMinute`. */
export function createRateLimiter(options: { perMinute: number; burst: number }) {
  const buckets = new Map<number, { tokens: number; at: number }>()
  const refillPerMs = options.perMinute / 60_000
  return {
    /** Takes one token for `keyId` at `nowMs`; returns 0 when allowed, else the seconds to wait. */
    take(keyId: number, nowMs: number): number {
      const bucket = buckets.get(keyId) ?? { tokens: options.burst, at: nowMs }
      bucket.tokens = Math.min(options.burst, bucket.tokens + Math.max(0, nowMs - bucket.at) * refillPerMs)
      bucket.at = nowMs
      buckets.set(keyId, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000))
    },
  }
}
export type RateLimiter = ReturnType<typeof createRateLimiter>

// One limiter per app (its deps object), so two apps in one process (tests) do not share buckets.
const limiters = new WeakMap<AppDeps, RateLimiter>()

/** The write limiter of an app, configured by WRITE_RATE_PER_MINUTE and WRITE_RATE_BURST. */
export function writeLimiter(deps: AppDeps): RateLimiter {
  let limiter = limiters.get(deps)
  if (!limiter) {
    limiter = createRateLimiter({ perMinute: deps.config.WRITE_RATE_PER_MINUTE, burst: deps.config.WRITE_RATE_BURST })
    limiters.set(deps, limiter)
  }
  return limiter
}
