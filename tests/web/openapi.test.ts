import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import type { ZodType } from 'zod'
import { loadBaseline } from '../../src/baseline/load.js'
import { buildOpenApi, collectRouteDocs, openApiPath } from '../../src/http/openapi.js'
import type { RouteDoc } from '../../src/http/route-docs.js'
import { testApp, testDb } from '../helpers/db.js'

function baselineApp() {
  const t = testDb()
  loadBaseline(t.stores, t.engine, undefined, t.clock)
  return testApp(t)
}

async function getDocument(app: ReturnType<typeof testApp>['app']) {
  const res = await app.request('/openapi.json')
  expect(res.status).toBe(200)
  return (await res.json()) as {
    openapi: string
    paths: Record<
      string,
      Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>
    >
    'x-undocumented-modules'?: string[]
  }
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const { app } = testApp()
    const doc = await getDocument(app)
    expect(doc.openapi).toBe('3.1.0')
    const validator = new Validator()
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0])
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(() => validator.resolveRefs()).not.toThrow()
    // Swagger UI supports only the default dialect (a red warning otherwise): leave the field out.
    expect(doc).not.toHaveProperty('jsonSchemaDialect')
    expect(JSON.stringify(doc)).not.toContain('"$schema"')
  })

  it('documents every route registered in the app, and every route module has docs', async () => {
    const { app } = testApp()
    const doc = await getDocument(app)
    expect(doc['x-undocumented-modules'] ?? []).toEqual([])
    const registered = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    )
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)),
    )
    expect(registered.size).toBeGreaterThan(10)
    expect([...registered].filter((r) => !documented.has(r))).toEqual([])
    // And nothing is documented that the app does not serve.
    expect([...documented].filter((d) => !registered.has(d))).toEqual([])
  })

  it('names the path and query parameters the routes validate', async () => {
    const { app } = testApp()
    const doc = await getDocument(app)
    const history = doc.paths['/jurisdictions/{code}/history']!.get!
    expect(history.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:code',
      'query:cursor',
      'query:limit',
    ])
    const changes = doc.paths['/changes']!.get!
    expect(changes.parameters.map((p) => p.name).sort()).toEqual([
      'changes_in_law',
      'detected_from',
      'detected_to',
      'effective_from',
      'effective_to',
      'include_descendants',
      'jurisdiction',
      'limit',
      'since',
      'subject',
      'type',
    ])
    expect(Object.keys(changes.responses)).toContain('400')
  })

  it('refuses two modules documenting the same operation', () => {
    const doc: RouteDoc = {
      method: 'get',
      path: '/x',
      summary: 'x',
      tags: ['t'],
      responses: { 200: { description: 'ok' } },
    }
    expect(() => buildOpenApi({ modules: { a: [doc], b: [doc] }, version: '0' })).toThrow(/documented twice/)
  })
})

describe('documented response schemas', () => {
  /** Real responses parsed with the schema their route documents for 200, so the docs cannot drift. */
  it.each([
    ['/jurisdictions?level=state&parent=US&subject=kratom&limit=5', '/jurisdictions'],
    ['/jurisdictions?level=city&limit=3', '/jurisdictions'],
    ['/jurisdictions/US-CA-SAN-DIEGO', '/jurisdictions/{code}'],
    ['/jurisdictions/US-LA?at=2010-01-01', '/jurisdictions/{code}'],
    ['/jurisdictions/US-AL/history?limit=3', '/jurisdictions/{code}/history'],
    ['/changes?limit=5&jurisdiction=US-CA&include_descendants=true', '/changes'],
    ['/changes?effective_from=2025-11-30&changes_in_law=true', '/changes'],
    ['/upcoming', '/upcoming'],
    ['/jurisdictions/US-KS', '/jurisdictions/{code}'],
    ['/healthz', '/healthz'],
    ['/readyz', '/readyz'],
  ])('GET %s matches the documented schema', async (url, template) => {
    const { app } = baselineApp()
    const modules = await collectRouteDocs()
    const doc = Object.values(modules)
      .flatMap((docs) => docs ?? [])
      .find((d) => d.method === 'get' && d.path === template)
    expect(doc, template).toBeDefined()
    const schema = doc!.responses[200]!.schema as ZodType
    const res = await app.request(url)
    expect(res.status).toBe(200)
    const parsed = schema.safeParse(await res.json())
    expect(parsed.success ? [] : parsed.error.issues).toEqual([])
  })
})

describe('GET /docs', () => {
  it('serves Swagger UI from the installed package, with no external asset', async () => {
    const { app } = testApp()
    const res = await app.request('/docs')
    expect(res.status).toBe(200)
    const page = await res.text()
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThanOrEqual(3)
    for (const asset of assets) expect(asset, asset).toMatch(/^\//)
    for (const [file, type] of [
      ['swagger-ui-bundle.js', 'text/javascript'],
      ['swagger-ui.css', 'text/css'],
      ['init.js', 'text/javascript'],
    ] as const) {
      const assetRes = await app.request(`/docs/${file}`)
      expect(assetRes.status, file).toBe(200)
      expect(assetRes.headers.get('content-type')).toContain(type)
      expect((await assetRes.arrayBuffer()).byteLength).toBeGreaterThan(100)
    }
    expect(await (await app.request('/docs/init.js')).text()).toContain("url: '/openapi.json'")
    expect((await app.request('/docs/package.json')).status).toBe(400)
    // Part of the site: a header linking back to the map and the change feed.
    expect(page).toContain('<a class="kw-brand" href="/">kratomwatch</a>')
    expect(page).toContain('<a href="/changes.html">Changes</a>')
  })
})
