import pLimit, { type LimitFunction } from 'p-limit'

/**
 * Politeness: per host one request at a time and at least `delayMs` between the end of one
 * request and the start of the next; across hosts at most `concurrency` requests in flight.
 */
export function createHostPacer(options: {
  delayMs: number
  concurrency: number
  sleep?: (ms: number) => Promise<void>
}) {
  const global = pLimit(options.concurrency)
  const perHost = new Map<string, LimitFunction>()
  const lastEnd = new Map<string, number>()
  const delays = new Map<string, number>()
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))

  return {
    /** Runs `fn` for `host` when politeness allows. */
    schedule<T>(host: string, fn: () => Promise<T>): Promise<T> {
      let limit = perHost.get(host)
      if (!limit) perHost.set(host, (limit = pLimit(1)))
      return limit(async () => {
        const last = lastEnd.get(host)
        const delay = Math.max(options.delayMs, delays.get(host) ?? 0)
        if (last !== undefined) {
          const wait = last + delay - Date.now()
          if (wait > 0) await sleep(wait)
        }
        try {
          return await global(fn)
        } finally {
          lastEnd.set(host, Date.now())
        }
      })
    },
    /** Raises the delay for one host (robots.txt Crawl-delay); never lowers it below the default. */
    setHostDelay(host: string, ms: number): void {
      delays.set(host, ms)
    },
  }
}
export type HostPacer = ReturnType<typeof createHostPacer>
