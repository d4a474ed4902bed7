import { ownerGoneIn } from '../cluster/presence.js'
import type { Config } from '../config.js'
import type { Stores } from '../db/stores/index.js'
import type { Logger } from '../log.js'
import type { Outbox } from './outbox.js'
import { createSender } from './send.js'
import type { UrlPolicy } from './url-guard.js'
import { createDeliveryWorker, type DeliveryWorker } from './worker.js'

/** The URL policy configured by WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_HOSTS. */
export function urlPolicy(config: Pick<Config, 'WEBHOOK_ALLOW_HTTP' | 'WEBHOOK_ALLOWED_HOSTS'>): UrlPolicy {
  return { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowedHosts: config.WEBHOOK_ALLOWED_HOSTS }
}

/** A running delivery worker with its transport. */
export interface WebhookService {
  worker: DeliveryWorker
  /** Stops claiming, waits for attempts in flight, closes idle connections. */
  stop(): Promise<void>
}

/** Starts the delivery worker for the writer roles (all, worker), woken whenever the outbox queues rows. */
export function startWebhookService(deps: {
  stores: Stores
  outbox: Outbox
  config: Config
  log: Logger
  clock?: () => Date
}): WebhookService {
  const policy = urlPolicy(deps.config)
  const sender = createSender({ policy, timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS })
  const worker = createDeliveryWorker({
    store: deps.stores.webhooks,
    send: sender.send,
    policy,
    log: deps.log.child({ component: 'webhooks' }),
    clock: deps.clock,
    concurrency: deps.config.WEBHOOK_CONCURRENCY,
    pollMs: deps.config.WEBHOOK_POLL_MS,
    ownerGone: ownerGoneIn(deps.stores, deps.clock ?? (() => new Date())),
  })
  deps.outbox.onQueued(() => worker.wake())
  worker.start()
  return {
    worker,
    async stop() {
      await worker.stop()
      sender.close()
    },
  }
}
