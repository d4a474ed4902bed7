import type { ZodType } from 'zod'

/**
 * How a route module describes its routes for the OpenAPI document (`GET /openapi.json`).
 * Each route module exports `docs: RouteDoc[]` next to its routes, built from the same zod
 * schemas the routes validate with, so the document cannot drift from the code.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI path template, e.g. `/jurisdictions/{code}`. */
  path: string
  summary: string
  description?: string
  tags: string[]
  /** `key` = any API key, `admin` = admin key; omitted = public. */
  auth?: 'key' | 'admin'
  params?: ZodType
  query?: ZodType
  body?: ZodType
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>
}
