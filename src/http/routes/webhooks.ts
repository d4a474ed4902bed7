import { randomBytes } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { Delivery, Attempt, Subscription, SubscriptionInput } from '../../db/stores/webhooks.js'
import { EventType, JurisdictionCode, SubjectId } from '../../domain/index.js'
import { ConflictError, InputError, NotFoundError, UnsafeUrlError, type InputIssue } from '../../errors.js'
import { urlPolicy } from '../../webhooks/index.js'
import { outboxFor } from '../../webhooks/outbox.js'
import { SECRET_OVERLAP_MS } from '../../webhooks/policy.js'
import { newSecret } from '../../webhooks/signer.js'
import { checkUrl } from '../../webhooks/url-guard.js'
import { requireKey, type AuthEnv } from '../auth.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'

/**
 * Webhook subscriptions (issue 4; DESIGN.md § Webhooks). Every route needs an API key; a key sees
 * and changes only its own subscriptions (another key's id answers 404), admin keys see all.
 */

const Filters = {
  description: z.string().trim().max(500).nullable().optional(),
  events: z.array(EventType).max(EventType.options.length).optional(),
  jurisdictions: z.array(JurisdictionCode).max(500).optional(),
  include_descendants: z.boolean().optional(),
  subjects: z.array(SubjectId).max(32).optional(),
}

export const CreateWebhook = z.object({ url: z.string().trim().min(1).max(2048), ...Filters }).strict()
export const UpdateWebhook = z
  .object({ url: z.string().trim().min(1).max(2048).optional(), ...Filters, enabled: z.boolean().optional() })
  .strict()
const IdParams = z.object({ id: z.string().regex(/^ep_[A-Za-z0-9_-]{1,64}$/, 'expected a webhook id like "ep_…"') })
const DeliveryParams = IdParams.extend({
  deliveryId: z.string().regex(/^msg_[A-Za-z0-9_-]{1,64}$/, 'expected a delivery id like "msg_…"'),
})
const ListQuery = z
  .object({ after: z.string().max(80).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict()
const DeliveriesQuery = z
  .object({
    state: z.enum(['pending', 'delivering', 'succeeded', 'failed']).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
export const RecoverBody = z
  .object({
    since: z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
      error:
        'expected a date (2026-11-01, from midnight UTC) or an ISO 8601 date-time with a zone (2026-11-01T08:00:00Z)',
    }),
  })
  .strict()

export const WebhookView = z.object({
  id: z.string(),
  key_id: z.number().int(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(EventType),
  jurisdictions: z.array(z.string()),
  include_descendants: z.boolean(),
  subjects: z.array(z.string()),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  failing_since: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
})
const CreatedView = WebhookView.extend({ secret: z.string().describe('whsec_… signing secret, shown only once') })
const AttemptView = z.object({
  attempt: z.number().int(),
  trigger: z.enum(['scheduled', 'redeliver', 'recover']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  outcome: z.enum(['in_flight', 'succeeded', 'failed', 'interrupted']),
  status_code: z.number().int().nullable(),
  latency_ms: z.number().int().nullable(),
  error: z.string().nullable(),
  response_excerpt: z.string().nullable(),
})
const DeliveryView = z.object({
  id: z.string().describe('the webhook-id header, stable across retries'),
  cursor: z.number().int(),
  event_id: z.number().int().nullable(),
  type: z.string(),
  state: z.enum(['pending', 'delivering', 'succeeded', 'failed']),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  payload: z.unknown(),
  attempt_log: z.array(AttemptView),
})

type Ctx = Context<AuthEnv>

/** The subscription if the calling key may see it; otherwise 404 (never 403, so ids leak nothing). */
function owned(c: Ctx, id: string): Subscription {
  const sub = c.var.deps.stores.webhooks.get(id)
  if (!sub || (!c.var.apiKey.is_admin && sub.key_id !== c.var.apiKey.id)) throw new NotFoundError('webhook', id)
  return sub
}

/** Refuses unknown jurisdiction codes and subjects (400 naming the field) and unsafe URLs. */
async function checkInput(c: Ctx, input: Partial<SubscriptionInput>): Promise<void> {
  const { stores, config } = c.var.deps
  const issues: InputIssue[] = []
  input.jurisdictions?.forEach((code, i) => {
    if (!stores.jurisdictions.get(code))
      issues.push({ field: `jurisdictions.${i}`, message: `unknown jurisdiction "${code}"; see GET /jurisdictions` })
  })
  if (input.subjects?.length) {
    const known = stores.subjects.all().map((s) => s.id)
    input.subjects.forEach((s, i) => {
      if (!known.includes(s))
        issues.push({ field: `subjects.${i}`, message: `unknown subject "${s}"; known: ${known.join(', ')}` })
    })
  }
  if (input.url !== undefined) {
    try {
      // Stored as the WHATWG parser serialises it: what is shown is what is requested.
      input.url = (await checkUrl(input.url, urlPolicy(config))).href
    } catch (error) {
      if (!(error instanceof UnsafeUrlError)) throw error
      issues.push({ field: 'url', message: error.message })
    }
  }
  if (issues.length) throw new InputError('body', issues)
}

const unique = <T>(xs: T[] | undefined): T[] => [...new Set(xs ?? [])]

function deliveryView(d: Delivery & { attempt_log: Attempt[] }): z.infer<typeof DeliveryView> {
  return {
    id: d.id,
    cursor: d.seq,
    event_id: d.event_id,
    type: d.type,
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: d.state === 'pending' ? d.next_attempt_at : null,
    last_error: d.last_error,
    created_at: d.created_at,
    delivered_at: d.delivered_at,
    payload: JSON.parse(d.payload) as unknown,
    attempt_log: d.attempt_log.map(({ id: _id, delivery_seq: _seq, ...a }) => a),
  }
}

export const webhooks = new Hono<AuthEnv>()
  .use(requireKey())
  .post('/', validate('json', CreateWebhook), async (c) => {
    const body = c.req.valid('json')
    await checkInput(c, body)
    const { stores, clock } = c.var.deps
    const secret = newSecret()
    const input: SubscriptionInput = {
      url: body.url,
      description: body.description ?? null,
      events: unique(body.events),
      jurisdictions: unique(body.jurisdictions),
      include_descendants: body.include_descendants ?? false,
      subjects: unique(body.subjects),
    }
    const sub = stores.webhooks.create(
      `ep_${randomBytes(12).toString('base64url')}`,
      c.var.apiKey.id,
      input,
      secret,
      clock().toISOString(),
    )
    c.header('location', `/webhooks/${sub.id}`)
    return c.json({ ...sub, secret }, 201)
  })
  .get('/', validate('query', ListQuery), (c) => {
    const q = c.req.valid('query')
    const key = c.var.apiKey
    const items = c.var.deps.stores.webhooks.list(key.is_admin ? null : key.id, { after: q.after, limit: q.limit + 1 })
    const page = items.slice(0, q.limit)
    return c.json({ items: page, next_cursor: items.length > q.limit ? page.at(-1)!.id : null })
  })
  .get('/:id', validate('param', IdParams), (c) => c.json(owned(c, c.req.valid('param').id)))
  .patch('/:id', validate('param', IdParams), validate('json', UpdateWebhook), async (c) => {
    const sub = owned(c, c.req.valid('param').id)
    const body = c.req.valid('json')
    await checkInput(c, body)
    const { stores, clock } = c.var.deps
    const now = clock().toISOString()
    const updated = stores.db
      .transaction(() => {
        stores.webhooks.update(
          sub.id,
          {
            url: body.url ?? sub.url,
            description: body.description === undefined ? sub.description : body.description,
            events: body.events ? unique(body.events) : sub.events,
            jurisdictions: body.jurisdictions ? unique(body.jurisdictions) : sub.jurisdictions,
            include_descendants: body.include_descendants ?? sub.include_descendants,
            subjects: body.subjects ? unique(body.subjects) : sub.subjects,
          },
          now,
        )
        if (body.enabled === true && !sub.enabled) stores.webhooks.enable(sub.id, now)
        if (body.enabled === false && sub.enabled)
          stores.webhooks.disable(sub.id, `disabled by key #${c.var.apiKey.id} at ${now}`, now)
        return stores.webhooks.get(sub.id)!
      })
      .immediate()
    if (body.enabled === true && !sub.enabled)
      outboxFor(stores, { publicBaseUrl: c.var.deps.config.PUBLIC_BASE_URL }).notify()
    return c.json(updated)
  })
  .delete('/:id', validate('param', IdParams), (c) => {
    const sub = owned(c, c.req.valid('param').id)
    c.var.deps.stores.webhooks.delete(sub.id)
    return c.body(null, 204)
  })
  .post('/:id/rotate-secret', validate('param', IdParams), (c) => {
    const sub = owned(c, c.req.valid('param').id)
    const at = c.var.deps.clock()
    const secret = newSecret()
    const expires = new Date(at.getTime() + SECRET_OVERLAP_MS).toISOString()
    c.var.deps.stores.webhooks.rotateSecret(sub.id, secret, at.toISOString(), expires)
    return c.json({ secret, previous_secrets_expire_at: expires })
  })
  .post('/:id/ping', validate('param', IdParams), (c) => {
    const sub = owned(c, c.req.valid('param').id)
    const { stores, config, clock } = c.var.deps
    const id = outboxFor(stores, { publicBaseUrl: config.PUBLIC_BASE_URL }).ping(sub, clock())
    return c.json({ delivery_id: id, enabled: sub.enabled }, 202)
  })
  .get('/:id/deliveries', validate('param', IdParams), validate('query', DeliveriesQuery), (c) => {
    const sub = owned(c, c.req.valid('param').id)
    const q = c.req.valid('query')
    const rows = c.var.deps.stores.webhooks.deliveries(sub.id, { before: q.before, state: q.state, limit: q.limit + 1 })
    const items = rows.slice(0, q.limit).map(deliveryView)
    return c.json({ items, next_cursor: rows.length > q.limit ? String(items.at(-1)!.cursor) : null })
  })
  .post('/:id/deliveries/:deliveryId/redeliver', validate('param', DeliveryParams), (c) => {
    const { id, deliveryId } = c.req.valid('param')
    const sub = owned(c, id)
    const { stores, config, clock } = c.var.deps
    const delivery = stores.webhooks.getDelivery(deliveryId)
    if (!delivery || delivery.subscription_id !== sub.id)
      throw new NotFoundError('webhook', `${sub.id}/deliveries/${deliveryId}`)
    if (!stores.webhooks.requeue(delivery, 'redeliver', clock().toISOString())) {
      throw new ConflictError(
        `delivery ${deliveryId} is being sent right now; wait for the attempt to finish (GET /webhooks/${sub.id}/deliveries) and try again.`,
      )
    }
    outboxFor(stores, { publicBaseUrl: config.PUBLIC_BASE_URL }).notify()
    return c.json({ delivery_id: deliveryId, state: 'pending' }, 202)
  })
  .post('/:id/recover', validate('param', IdParams), validate('json', RecoverBody), (c) => {
    const sub = owned(c, c.req.valid('param').id)
    const { since } = c.req.valid('json')
    const { stores, config, clock } = c.var.deps
    const from = new Date(since.length === 10 ? `${since}T00:00:00Z` : since).toISOString()
    const queued = outboxFor(stores, { publicBaseUrl: config.PUBLIC_BASE_URL }).recover(sub, from, clock())
    return c.json({ since: from, queued }, 202)
  })

const tags = ['webhooks']
const problem = { description: 'problem+json', contentType: 'application/problem+json' }
const notFound = {
  description: "no such webhook for this key (another key's id answers 404 too)",
  contentType: 'application/problem+json',
}
const rateLimited = {
  description: 'too many writes for this key; see Retry-After',
  contentType: 'application/problem+json',
}

export const docs: RouteDoc[] = [
  {
    method: 'post',
    path: '/webhooks',
    summary: 'Subscribe a URL to change events',
    description:
      'Returns the subscription and its signing secret (whsec_…, shown once). Deliveries are signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature). The URL must be https and resolve to public addresses.',
    tags,
    auth: 'key',
    body: CreateWebhook,
    responses: { 201: { description: 'created', schema: CreatedView }, 400: problem, 401: problem, 429: rateLimited },
  },
  {
    method: 'get',
    path: '/webhooks',
    summary: "The calling key's subscriptions (admin keys: all)",
    tags,
    auth: 'key',
    query: ListQuery,
    responses: {
      200: {
        description: 'a page of subscriptions',
        schema: z.object({ items: z.array(WebhookView), next_cursor: z.string().nullable() }),
      },
      401: problem,
    },
  },
  {
    method: 'get',
    path: '/webhooks/{id}',
    summary: 'One subscription',
    tags,
    auth: 'key',
    params: IdParams,
    responses: { 200: { description: 'the subscription', schema: WebhookView }, 404: notFound },
  },
  {
    method: 'patch',
    path: '/webhooks/{id}',
    summary: 'Change a subscription; {"enabled": true} re-enables a disabled one',
    tags,
    auth: 'key',
    params: IdParams,
    body: UpdateWebhook,
    responses: {
      200: { description: 'the subscription', schema: WebhookView },
      400: problem,
      404: notFound,
      429: rateLimited,
    },
  },
  {
    method: 'delete',
    path: '/webhooks/{id}',
    summary: 'Delete a subscription and its delivery log',
    tags,
    auth: 'key',
    params: IdParams,
    responses: { 204: { description: 'deleted' }, 404: notFound, 429: rateLimited },
  },
  {
    method: 'post',
    path: '/webhooks/{id}/rotate-secret',
    summary: 'New signing secret; the previous ones keep signing for 24 h',
    tags,
    auth: 'key',
    params: IdParams,
    responses: {
      200: {
        description: 'the new secret (shown once)',
        schema: z.object({ secret: z.string(), previous_secrets_expire_at: z.string() }),
      },
      404: notFound,
      429: rateLimited,
    },
  },
  {
    method: 'post',
    path: '/webhooks/{id}/ping',
    summary: 'Queue a signed webhook.ping delivery',
    tags,
    auth: 'key',
    params: IdParams,
    responses: {
      202: { description: 'queued', schema: z.object({ delivery_id: z.string(), enabled: z.boolean() }) },
      404: notFound,
      429: rateLimited,
    },
  },
  {
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    summary: 'Delivery log, newest first, with every attempt (time, status code, latency, error, response excerpt)',
    tags,
    auth: 'key',
    params: IdParams,
    query: DeliveriesQuery,
    responses: {
      200: {
        description: 'a page of deliveries',
        schema: z.object({ items: z.array(DeliveryView), next_cursor: z.string().nullable() }),
      },
      404: notFound,
    },
  },
  {
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    summary: 'Send a delivery again (same webhook-id), from its first attempt',
    tags,
    auth: 'key',
    params: DeliveryParams,
    responses: {
      202: { description: 'queued', schema: z.object({ delivery_id: z.string(), state: z.literal('pending') }) },
      404: notFound,
      409: problem,
      429: rateLimited,
    },
  },
  {
    method: 'post',
    path: '/webhooks/{id}/recover',
    summary: 'Re-send every matching event detected since a time',
    tags,
    auth: 'key',
    params: IdParams,
    body: RecoverBody,
    responses: {
      202: { description: 'queued', schema: z.object({ since: z.string(), queued: z.number().int() }) },
      404: notFound,
      429: rateLimited,
    },
  },
]
