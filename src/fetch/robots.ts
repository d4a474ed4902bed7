import robotsParser from 'robots-parser'
import type { HttpClient } from './http.js'
import type { RobotsEntry } from '../db/stores/scraping.js'

interface RobotsCache {
  robots(origin: string): RobotsEntry | undefined
  putRobots(entry: RobotsEntry): void
}

type Robot = {
  isAllowed(url: string, ua?: string): boolean | undefined
  getCrawlDelay(ua?: string): number | undefined
}
// robots-parser's CommonJS typings clash with NodeNext resolution (STACK.md): one cast.
const parseRobots = robotsParser as unknown as (url: string, body: string) => Robot

const DAY_MS = 86_400_000

/**
 * robots.txt, fetched once a day per origin, cached in the database, and obeyed for our
 * user-agent token. A 4xx robots.txt allows everything; a 5xx or unreachable one forbids
 * everything until it can be read (RFC 9309 § 2.3.1.3/4).
 */
export function createRobots(options: {
  http: HttpClient
  cache: RobotsCache
  token: string
  clock: () => Date
  ttlMs?: number
}) {
  const ttl = options.ttlMs ?? DAY_MS
  const memo = new Map<string, { robot: Robot; status: number; at: number; unreachable?: string }>()

  // Sources of one run are fetched at once: they share one robots.txt request per origin.
  const loading = new Map<string, Promise<{ robot: Robot; status: number; unreachable?: string }>>()

  function load(origin: string): Promise<{ robot: Robot; status: number; unreachable?: string }> {
    let pending = loading.get(origin)
    if (!pending) {
      pending = fetchOrCached(origin).finally(() => loading.delete(origin))
      loading.set(origin, pending)
    }
    return pending
  }

  async function fetchOrCached(origin: string): Promise<{ robot: Robot; status: number; unreachable?: string }> {
    const now = options.clock().getTime()
    const hit = memo.get(origin)
    if (hit && now - hit.at < ttl) return hit
    const cached = options.cache.robots(origin)
    if (cached && now - Date.parse(cached.fetched_at) < ttl) {
      const entry = {
        robot: parseRobots(`${origin}/robots.txt`, cached.body),
        status: cached.status,
        at: Date.parse(cached.fetched_at),
      }
      memo.set(origin, entry)
      return entry
    }
    let status: number
    let body = ''
    let unreachable: string | undefined
    try {
      const res = await options.http.get({ url: `${origin}/robots.txt` })
      status = res.status
      body = res.body.toString('utf8')
    } catch (error) {
      const s = (error as { status?: number | null }).status
      status = typeof s === 'number' ? s : 599
      unreachable = (error as Error).message
    }
    if (status >= 400 && status < 500) body = ''
    else if (status >= 500) body = 'User-agent: *\nDisallow: /\n'
    const fetched_at = new Date(now).toISOString()
    // An unreachable robots.txt is not cached in the database: try again next time.
    if (status < 500) options.cache.putRobots({ origin, status, body, fetched_at })
    const entry = {
      robot: parseRobots(`${origin}/robots.txt`, body),
      status,
      at: status < 500 ? now : now - ttl + 60_000,
      unreachable: status >= 500 ? (unreachable ?? `HTTP ${status}`) : undefined,
    }
    memo.set(origin, entry)
    return entry
  }

  return {
    /** True when robots.txt lets our user-agent fetch the URL. */
    async isAllowed(url: string): Promise<boolean> {
      const { robot } = await load(new URL(url).origin)
      return robot.isAllowed(url, options.token) !== false
    },
    /** Why robots.txt could not be read (network error or 5xx), when that is what forbids fetching. */
    async unreachable(url: string): Promise<string | undefined> {
      return (await load(new URL(url).origin)).unreachable
    },
    /** Crawl-delay for our token in ms, if the site sets one. */
    async crawlDelayMs(url: string): Promise<number | undefined> {
      const { robot } = await load(new URL(url).origin)
      const d = robot.getCrawlDelay(options.token)
      return d === undefined ? undefined : d * 1000
    },
  }
}
export type Robots = ReturnType<typeof createRobots>
