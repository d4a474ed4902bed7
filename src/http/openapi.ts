import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z, type ZodType } from 'zod'
import { Problem } from './responses.js'
import type { RouteDoc } from './route-docs.js'

/**
 * The OpenAPI 3.1 document, generated from the `docs: RouteDoc[]` every route module exports and
 * converted with zod's own `z.toJSONSchema` (JSON Schema 2020-12, the dialect OpenAPI 3.1 uses).
 * Route modules are discovered by file name in src/http/routes/, so a new module is documented
 * without editing a list here; a module without `docs` is reported in `x-undocumented-modules`.
 */

type JsonSchema = Record<string, unknown>

export interface OpenApiInput {
  /** Route docs per module file name (`jurisdictions.ts` → its docs). */
  modules: Record<string, RouteDoc[] | undefined>
  version: string
  serverUrl?: string
}

const ROUTES_DIR = new URL('./routes/', import.meta.url)

/** Imports every route module in src/http/routes/ (or dist/src/http/routes/) and returns its `docs` export. */
export async function collectRouteDocs(): Promise<Record<string, RouteDoc[] | undefined>> {
  const files = readdirSync(fileURLToPath(ROUTES_DIR))
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|spec|d)\.(ts|js)$/.test(f))
    .sort()
  const modules: Record<string, RouteDoc[] | undefined> = {}
  for (const file of files) {
    const mod = (await import(new URL(file, ROUTES_DIR).href)) as { docs?: RouteDoc[] }
    modules[file.replace(/\.(ts|js)$/, '')] = Array.isArray(mod.docs) ? mod.docs : undefined
  }
  return modules
}

/** Moves `$defs` of converted schemas into `components.schemas` and points their `$ref`s there. */
function createSchemaConverter() {
  const components: Record<string, JsonSchema> = {}
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (!node || typeof node !== 'object') return node
    const out: JsonSchema = {}
    for (const [key, value] of Object.entries(node)) {
      if (key === '$schema' || key === '$defs') continue
      out[key] =
        key === '$ref' && typeof value === 'string'
          ? value.replace(/^#\/\$defs\//, '#/components/schemas/')
          : rewrite(value)
    }
    return out
  }
  const convert = (schema: ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>
    for (const [name, def] of Object.entries(defs)) {
      const converted = rewrite(def) as JsonSchema
      const existing = components[name]
      if (existing && JSON.stringify(existing) !== JSON.stringify(converted)) {
        throw new Error(
          `two different schemas share the OpenAPI component name "${name}"; give one of them another .meta({ id })`,
        )
      }
      components[name] = converted
    }
    return rewrite(json) as JsonSchema
  }
  return { convert, components }
}

function parameters(
  schema: ZodType | undefined,
  where: 'path' | 'query',
  convert: (s: ZodType, io: 'input') => JsonSchema,
) {
  if (!schema) return []
  const json = convert(schema, 'input')
  const props = (json.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((json.required ?? []) as string[])
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = prop
    return {
      name,
      in: where,
      required: where === 'path' || (required.has(name) && !('default' in rest)),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    }
  })
}

function operationId(doc: RouteDoc): string {
  const words = doc.path
    .split('/')
    .filter(Boolean)
    .map((part) =>
      part
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : '')),
    )
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
  return doc.method + (words.join('') || 'Root')
}

/** Builds the OpenAPI 3.1 document from route docs. Throws if two modules document the same operation. */
export function buildOpenApi(input: OpenApiInput) {
  const { convert, components } = createSchemaConverter()
  const problemRef = { $ref: '#/components/schemas/Problem' }
  convert(Problem, 'output')
  const paths: Record<string, Record<string, unknown>> = {}
  const undocumented: string[] = []
  const tags = new Set<string>()

  for (const [moduleName, docs] of Object.entries(input.modules)) {
    if (!docs) {
      undocumented.push(moduleName)
      continue
    }
    for (const doc of docs) {
      const item = (paths[doc.path] ??= {})
      if (item[doc.method])
        throw new Error(`${moduleName}: ${doc.method.toUpperCase()} ${doc.path} is documented twice`)
      for (const tag of doc.tags) tags.add(tag)
      const responses: Record<string, unknown> = {}
      for (const [status, response] of Object.entries(doc.responses)) {
        const contentType = response.contentType ?? 'application/json'
        const schema = response.schema
          ? convert(response.schema, 'output')
          : contentType === 'application/problem+json'
            ? problemRef
            : contentType.startsWith('application/json')
              ? undefined
              : { type: 'string' }
        responses[status] = {
          description: response.description,
          ...(schema ? { content: { [contentType]: { schema } } } : {}),
        }
      }
      const problem = (description: string) => ({
        description,
        content: { 'application/problem+json': { schema: problemRef } },
      })
      if ((doc.params || doc.query || doc.body) && !responses['400'])
        responses['400'] = problem('invalid input: the problem names each field')
      if (doc.auth && !responses['401']) responses['401'] = problem('missing or unknown API key')
      if (doc.auth === 'admin' && !responses['403']) responses['403'] = problem('the API key is not an admin key')
      item[doc.method] = {
        operationId: operationId(doc),
        summary: doc.summary,
        ...(doc.description ? { description: doc.description } : {}),
        tags: doc.tags,
        parameters: [...parameters(doc.params, 'path', convert), ...parameters(doc.query, 'query', convert)],
        ...(doc.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: convert(doc.body, 'input') } } } }
          : {}),
        responses,
        ...(doc.auth ? { security: [{ bearer: [] }] } : {}),
        ...(doc.auth === 'admin' ? { 'x-requires-admin': true } : {}),
      }
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'kratomwatch',
      version: input.version,
      summary: 'Legal status of kratom and 7-OH by jurisdiction, with citations, history and change feeds.',
      description:
        'Public reads need no key. Writes need `Authorization: Bearer <key>`; the review queue and manual scraper runs need an admin key. Errors are RFC 9457 `application/problem+json`. Jurisdiction codes are case-insensitive on input.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(input.serverUrl ? { servers: [{ url: input.serverUrl }] } : {}),
    // No jsonSchemaDialect: the default (the OAS 3.1 base dialect, JSON Schema 2020-12) is what zod emits, and
    // Swagger UI shows a red "not supported" warning for any other value (seen 2026-11, swagger-ui 5.x).
    tags: [...tags].sort().map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key created with `kratomwatch keys create`.' },
      },
    },
    ...(undocumented.length ? { 'x-undocumented-modules': undocumented } : {}),
  }
}
export type OpenApiDocument = ReturnType<typeof buildOpenApi>

/** Converts a Hono route path (`/j/:code`) to an OpenAPI path template (`/j/{code}`). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)(\{[^}]*\})?/g, '{$1}')
}
