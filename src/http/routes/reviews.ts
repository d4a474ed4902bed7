import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { StatusObservation } from '../../domain/index.js'
import { ConflictError, NotFoundError } from '../../errors.js'
import { requireKey, type AuthEnv } from '../auth.js'
import { Problem } from '../responses.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'

const Id = z.object({ id: z.coerce.number().int().positive() })
const ListQuery = z
  .object({
    state: z.enum(['pending', 'approved', 'rejected']).default('pending'),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
const Decision = z
  .object({ note: z.string().trim().min(1, 'say why (the note is kept with the decision)').max(2000) })
  .strict()

export const ReviewView = z
  .strictObject({
    id: z.number().int(),
    dedupe_key: z.string(),
    jurisdiction: z.string(),
    subject: z.string(),
    reason: z.string().describe('secondary-source | low-confidence'),
    source_id: z.string(),
    trust: z.string(),
    observation: z.record(z.string(), z.unknown()).describe('what the source said'),
    current: z.record(z.string(), z.unknown()).nullable().describe('what the timeline said at that date'),
    state: z.enum(['pending', 'approved', 'rejected']),
    created_at: z.string(),
    decided_at: z.string().nullable(),
    decided_by: z.string().nullable(),
    note: z.string().nullable(),
    run_id: z.number().int().nullable(),
    snapshot_id: z.number().int().nullable(),
  })
  .meta({ id: 'Review' })

/**
 * The review queue (admin key): held changes from secondary or low-confidence observations.
 * Approving applies the observation through the diff engine with the approval recorded; rejecting
 * keeps the review, marked, so the same disagreement is not queued again until the source changes.
 */
export const reviews = new Hono<AuthEnv>()
  .use(requireKey({ admin: true }))
  .get('/', validate('query', ListQuery), (c) => {
    const q = c.req.valid('query')
    const items = c.var.deps.stores.reviews.list(q)
    return c.json({ items, next_cursor: items.length === q.limit ? String(items.at(-1)!.id) : null }, 200, {
      'cache-control': 'no-store',
    })
  })
  .get('/:id', validate('param', Id), (c) => {
    const review = c.var.deps.stores.reviews.get(c.req.valid('param').id)
    if (!review) throw new NotFoundError('review', String(c.req.valid('param').id))
    return c.json(review, 200, { 'cache-control': 'no-store' })
  })
  .post('/:id/approve', validate('param', Id), validate('json', Decision), (c) => {
    const { stores, engine } = c.var.deps
    const id = c.req.valid('param').id
    const note = c.req.valid('json').note
    const result = stores.db
      .transaction(() => {
        const { review, by } = decide(c, id, 'approved', note)
        return engine.apply({
          source_id: review.source_id,
          trust: review.trust as 'primary' | 'secondary' | 'curated',
          run_id: review.run_id,
          snapshot_id: review.snapshot_id,
          observations: [StatusObservation.parse(review.observation)],
          approval: { review_id: id, by, note },
        })
      })
      .immediate()
    return c.json({ review: stores.reviews.get(id), events: result.events })
  })
  .post('/:id/reject', validate('param', Id), validate('json', Decision), (c) => {
    decide(c, c.req.valid('param').id, 'rejected', c.req.valid('json').note)
    return c.json({ review: c.var.deps.stores.reviews.get(c.req.valid('param').id), events: [] })
  })

/** Marks a pending review decided by the calling key; 404 if unknown, 409 if already decided. */
function decide(c: Context<AuthEnv>, id: number, state: 'approved' | 'rejected', note: string | null) {
  const { stores, clock } = c.var.deps
  const review = stores.reviews.get(id)
  if (!review) throw new NotFoundError('review', String(id))
  const by = `${c.var.apiKey.name} (key #${c.var.apiKey.id})`
  if (!stores.reviews.decide(id, { state, at: clock().toISOString(), by, note })) {
    throw new ConflictError(`review ${id} was already ${review.state}; only pending reviews can be decided.`)
  }
  return { review, by }
}

const problem = (description: string) => ({ description, schema: Problem, contentType: 'application/problem+json' })

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/reviews',
    summary: 'Held changes awaiting a maintainer',
    tags: ['reviews'],
    auth: 'admin',
    query: ListQuery,
    responses: {
      200: {
        description: 'a page of reviews; pass `next_cursor` as `after`',
        schema: z.strictObject({ items: z.array(ReviewView), next_cursor: z.string().nullable() }),
      },
    },
  },
  {
    method: 'get',
    path: '/reviews/{id}',
    summary: 'One review',
    tags: ['reviews'],
    auth: 'admin',
    params: Id,
    responses: { 200: { description: 'the review', schema: ReviewView }, 404: problem('unknown review') },
  },
  {
    method: 'post',
    path: '/reviews/{id}/approve',
    summary: 'Approve a held change',
    description:
      'Applies the held observation through the diff engine, recording who approved it and the note; the resulting change events are returned.',
    tags: ['reviews'],
    auth: 'admin',
    params: Id,
    body: Decision,
    responses: {
      200: { description: 'the decided review and the events it caused' },
      404: problem('unknown review'),
      409: problem('the review was already decided'),
    },
  },
  {
    method: 'post',
    path: '/reviews/{id}/reject',
    summary: 'Reject a held change',
    description:
      'Marks the review rejected; the same observation from the same source is not queued again until the source says something else.',
    tags: ['reviews'],
    auth: 'admin',
    params: Id,
    body: Decision,
    responses: {
      200: { description: 'the decided review' },
      404: problem('unknown review'),
      409: problem('the review was already decided'),
    },
  },
]
