import { Hono } from 'hono'
import { z } from 'zod'
import { ConflictError, NotFoundError } from '../../errors.js'
import { ScraperProvenance } from '../../scraping/provenance.js'
import { scraperHealth } from '../../scraping/service.js'
import { requireKey, type AuthEnv } from '../auth.js'
import type { AppEnv } from '../env.js'
import { Problem } from '../responses.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'

const Id = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)+$/, 'expected a scraper id such as "us-tx-statutes-hs-444"'),
})

const RunView = z.strictObject({
  id: z.number().int(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  outcome: z.string(),
  reason: z.string().nullable(),
  error: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
})

export const ScraperHealthView = z
  .strictObject({
    id: z.string(),
    title: z.string().nullable(),
    region: z.string().nullable(),
    jurisdictions: z.array(z.string()),
    trust: z.string().nullable(),
    schedule: z.string().nullable().describe('cron expression, UTC'),
    parser_version: z.string().nullable(),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().describe('why the scraper does not run here (missing API key, no Chromium)'),
    registered: z.boolean().describe('false when the scraper has run history but its file is gone'),
    running: z.boolean(),
    last_run: RunView.nullable(),
    last_success_at: z.string().nullable(),
    last_live_success_at: z
      .string()
      .nullable()
      .describe('the last changed or unchanged run against the live source (test runs excluded)'),
    provenance: ScraperProvenance.shape.provenance,
    real_material: ScraperProvenance.shape.real_material,
    consecutive_failures: z.number().int(),
    success_rate: z.number().nullable().describe('share of the last 20 finished runs that were changed or unchanged'),
    runs_considered: z.number().int(),
    next_run_at: z.string().nullable(),
  })
  .meta({ id: 'ScraperHealth' })

const HealthList = z.strictObject({ items: z.array(ScraperHealthView) })

const RunsQuery = z
  .object({
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict()

const RunResultView = z.strictObject({
  scraper_id: z.string(),
  run_id: z.number().int().nullable(),
  outcome: z.enum(['changed', 'unchanged', 'degraded', 'failed']),
  reason: z.string().nullable(),
  error: z.string().nullable(),
  skipped: z.boolean(),
  events: z.array(z.number().int()).describe('ids of the change events the run recorded'),
  snapshot_ids: z.array(z.number().int()),
  counts: z.record(z.string(), z.number()),
})

/** GET /scrapers (health), GET /scrapers/:id/runs, POST /scrapers/:id/run (admin key). */
export const scrapers = new Hono<AppEnv>()
  .get('/', async (c) => {
    const { scraping, stores, scraperRegistry } = c.var.deps
    const items = scraping ? scraping.health() : scraperHealth(stores.scraping, (await scraperRegistry?.()) ?? null)
    return c.json({ items }, 200, { 'cache-control': 'no-store' })
  })
  .get('/:id/runs', validate('param', Id), validate('query', RunsQuery), async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const { stores, scraping, scraperRegistry } = c.var.deps
    const runs = stores.scraping.runs(id, q)
    if (runs.length === 0 && !q.before) {
      // A registered scraper with no runs yet is an empty list, in an API process too (it has no scraping service).
      const registry = scraping?.registry ?? (await scraperRegistry?.()) ?? []
      if (!registry.some((r) => r.def.id === id)) throw new NotFoundError('scraper', id)
    }
    const items = runs.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      parser_version: r.parser_version,
      started_at: r.started_at,
      finished_at: r.finished_at,
      outcome: r.outcome,
      reason: r.reason,
      error: r.error,
      counts: r.counts,
      content_sha256: r.content_sha256,
      documents: stores.runs.documents(r.id),
    }))
    return c.json({ items, next_cursor: runs.length === q.limit ? String(runs.at(-1)!.id) : null }, 200, {
      'cache-control': 'no-store',
    })
  })
  .post('/:id/run', requireKey({ admin: true }), validate('param', Id), async (c) => {
    const { scraping } = (c as unknown as { var: AuthEnv['Variables'] }).var.deps
    if (!scraping)
      throw new ConflictError(
        'this process does not run scrapers (role api); send the request to a worker or "all" process.',
      )
    const result = await scraping.run(c.req.valid('param').id, { trigger: 'api', force: true })
    const { events, observations: _observations, ...rest } = result
    return c.json({ ...rest, events: events.map((e) => e.id) })
  })

const problem = (description: string) => ({ description, schema: Problem, contentType: 'application/problem+json' })

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/scrapers',
    summary: 'Scraper health',
    description:
      'Every scraper with its last run, outcome and degraded reason, success rate over the last runs, next scheduled run, whether (and why) it is disabled, ' +
      'whether its parse is proven on a real recorded response (provenance, real_material) and when it last succeeded against its live source.',
    tags: ['scrapers'],
    responses: { 200: { description: 'health of every scraper', schema: HealthList } },
  },
  {
    method: 'get',
    path: '/scrapers/{id}/runs',
    summary: 'Runs of one scraper, newest first, with the snapshots they fetched',
    tags: ['scrapers'],
    params: Id,
    query: RunsQuery,
    responses: {
      200: { description: 'a page of runs; pass `next_cursor` as `before`' },
      404: problem('unknown scraper'),
    },
  },
  {
    method: 'post',
    path: '/scrapers/{id}/run',
    summary: 'Run a scraper now',
    description:
      'Runs the scraper at once (parsing even an unchanged page) and answers when the run ends. Needs an admin key.',
    tags: ['scrapers'],
    auth: 'admin',
    params: Id,
    responses: {
      200: { description: 'the run result', schema: RunResultView },
      404: problem('unknown scraper'),
      409: problem('the scraper is disabled, or this process does not run scrapers'),
    },
  },
]
