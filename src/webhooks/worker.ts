import type { ClaimedDelivery, WebhookStore, AttemptResult } from '../db/stores/webhooks.js'
import { PROCESS_ID } from '../cluster/presence.js'
import type { Logger } from '../log.js'
import { webhookAttemptSeconds, webhookAttempts } from './metrics.js'
import { classifyStatus, failingTooLong, nextAttemptAt, parseRetryAfter } from './policy.js'
import type { SendResult, Sender } from './send.js'
import { signedHeaders } from './signer.js'
import { checkUrlShape, type UrlPolicy } from './url-guard.js'

export interface WorkerOptions {
  store: WebhookStore
  send: Sender
  policy: UrlPolicy
  log: Logger
  /** "Now" for due times and signatures; tests pass a controllable clock. */
  clock?: () => Date
  /** Jitter source, in [0, 1). */
  random?: () => number
  /** Deliveries in flight at once, across subscriptions (each subscription gets one at a time). */
  concurrency: number
  /** How often to look for due deliveries when nothing wakes the worker (ms). */
  pollMs: number
  /**
   * Whether the process that claimed a delivery is gone (see cluster/presence.ts); its deliveries
   * in flight are resumed by the workers still running. Default: only rows without an owner.
   */
  ownerGone?: (owner: string | null) => boolean
}

/** How often a running worker looks for deliveries left in flight by a worker that died (ms). */
export const RESUME_EVERY_MS = 10_000

/**
 * The delivery worker: claims due deliveries (the head of each subscription's queue, so order per
 * subscription holds), sends them with bounded concurrency so one slow endpoint holds back only
 * itself, and records every attempt. `runOnce()` drives it step by step in tests; `start()` runs it.
 */
export function createDeliveryWorker(options: WorkerOptions) {
  const { store, send, policy, log, concurrency, pollMs } = options
  const clock = options.clock ?? (() => new Date())
  const random = options.random ?? Math.random
  const self = PROCESS_ID
  const ownerGone = options.ownerGone ?? ((owner: string | null) => owner === null)
  let resumedAt = -Infinity

  /**
   * Puts back in the queue the deliveries in flight of processes that died: at start also this
   * process's own (a previous life with the same id cannot be sending them now).
   */
  function resumeDead(atStart: boolean): number {
    resumedAt = performance.now()
    const owners = store.inFlightOwners().filter((o) => (atStart && o === self) || ownerGone(o))
    return store.resumeInterrupted(clock().toISOString(), owners)
  }
  const inflight = new Set<Promise<void>>()
  let running = false
  let timer: NodeJS.Timeout | undefined

  function decide(claim: ClaimedDelivery, res: SendResult, at: Date): AttemptResult {
    const base = { status_code: res.status, latency_ms: res.latency_ms, response_excerpt: res.response_excerpt }
    const kind = res.status === null ? 'failed' : classifyStatus(res.status)
    if (kind === 'succeeded') return { ...base, outcome: 'succeeded', status_code: res.status! }
    if (kind === 'gone') {
      return {
        ...base,
        outcome: 'failed',
        error: '410 Gone',
        retry_at: null,
        disable_reason: `disabled automatically: the endpoint answered 410 Gone at ${at.toISOString()}. PATCH {"enabled": true} to resume.`,
      }
    }
    const retry = nextAttemptAt(claim.delivery.attempts, at, parseRetryAfter(res.retry_after, at), random)
    const failingSince = store.get(claim.delivery.subscription_id)?.failing_since ?? null
    return {
      ...base,
      outcome: 'failed',
      error: res.error ?? `HTTP ${res.status}: only a 2xx answer counts as delivered`,
      retry_at: retry?.toISOString() ?? null,
      disable_reason: failingTooLong(failingSince, at),
    }
  }

  async function deliver(claim: ClaimedDelivery): Promise<void> {
    const { delivery } = claim
    const at = clock()
    let res: SendResult
    try {
      // The shape only: the sender's connect-time lookup checks every resolved address (one DNS query, no rebinding gap).
      const url = checkUrlShape(claim.url, policy)
      const secrets = store.secrets(delivery.subscription_id, at.toISOString())
      res = await send(url, signedHeaders(secrets, delivery.id, at, delivery.payload), delivery.payload)
    } catch (error) {
      res = { status: null, latency_ms: 0, error: (error as Error).message, response_excerpt: null, retry_after: null }
    }
    const finished = clock()
    const result = decide(claim, res, finished)
    store.finishAttempt(claim, result, finished.toISOString())
    webhookAttempts.inc({
      result: result.outcome === 'succeeded' ? 'succeeded' : result.disable_reason ? 'disabled' : 'failed',
    })
    webhookAttemptSeconds.observe(res.latency_ms / 1000)
    const fields = {
      delivery: delivery.id,
      subscription: delivery.subscription_id,
      attempt: delivery.attempts,
      status: res.status,
      latency_ms: res.latency_ms,
    }
    if (result.outcome === 'succeeded') log.debug(fields, 'webhook delivered')
    else
      log.warn(
        { ...fields, error: result.error, retry_at: result.retry_at, disabled: result.disable_reason !== null },
        'webhook attempt failed',
      )
  }

  /** Claims what is due now, up to the free concurrency, and starts sending. Returns how many started. */
  function pump(): number {
    const claims = store.claimDue(clock().toISOString(), concurrency - inflight.size)
    for (const claim of claims) {
      const p: Promise<void> = deliver(claim)
        .catch((error: unknown) => log.error({ err: error, delivery: claim.delivery.id }, 'webhook delivery crashed'))
        .finally(() => {
          inflight.delete(p)
          if (running) pumpSoon()
        })
      inflight.add(p)
    }
    return claims.length
  }

  // Completions that land together trigger one claim query, not one each.
  let pumpQueued = false
  function pumpSoon(): void {
    if (pumpQueued) return
    pumpQueued = true
    setImmediate(() => {
      pumpQueued = false
      if (!running) return
      try {
        pump()
      } catch (error) {
        log.error({ err: error }, 'webhook worker could not claim deliveries')
      }
    })
  }

  function schedule(): void {
    if (!running) return
    timer = setTimeout(() => {
      try {
        if (performance.now() - resumedAt > RESUME_EVERY_MS) {
          const resumed = resumeDead(false)
          if (resumed) log.warn({ resumed }, 'webhook deliveries left in flight by a worker that died resumed')
        }
        pump()
      } catch (error) {
        log.error({ err: error }, 'webhook worker could not claim deliveries')
      }
      schedule()
    }, pollMs)
    timer.unref()
  }

  return {
    /** Resumes deliveries interrupted by a crash, then polls for due deliveries until stopped. */
    start(): void {
      if (running) return
      running = true
      const resumed = resumeDead(true)
      if (resumed) log.info({ resumed }, 'webhook deliveries interrupted by the last stop resumed')
      pump()
      schedule()
    },
    /** Looks for work now (called when new deliveries are queued). */
    wake(): void {
      if (running) pumpSoon()
    },
    /** Sends everything due now, and what becomes due because of it, until nothing is left; for tests and one-shot runs. */
    async runOnce(): Promise<number> {
      let started = 0
      for (;;) {
        const n = pump()
        started += n
        if (n === 0 && inflight.size === 0) return started
        await Promise.race(inflight)
      }
    },
    /** Stops polling and waits for the attempts in flight (each ends within the send timeout). */
    async stop(): Promise<void> {
      running = false
      clearTimeout(timer)
      await Promise.allSettled([...inflight])
    },
  }
}
export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>
