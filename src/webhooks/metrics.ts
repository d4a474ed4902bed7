import { Counter, Histogram } from 'prom-client'
import { metrics } from '../metrics.js'

/** Webhook delivery attempts by result (`succeeded`, `failed`, `disabled` = this attempt disabled the subscription), on the process registry. */
export const webhookAttempts = new Counter({
  name: 'kratomwatch_webhook_attempts_total',
  help: 'Webhook delivery attempts by result',
  labelNames: ['result'] as const,
  registers: [metrics.registry],
})

/** How long receivers took to answer, including failures and timeouts. */
export const webhookAttemptSeconds = new Histogram({
  name: 'kratomwatch_webhook_attempt_duration_seconds',
  help: 'Duration of webhook delivery attempts',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
  registers: [metrics.registry],
})
