import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import { z } from 'zod'
import { NotFoundError } from '../../errors.js'
import { projectPath } from '../../paths.js'
import type { AppEnv } from '../env.js'
import { buildOpenApi, collectRouteDocs, type OpenApiDocument } from '../openapi.js'
import type { RouteDoc } from '../route-docs.js'
import { validate } from '../validate.js'
import { matchesEtag } from '../cache.js'

/**
 * GET /openapi.json (generated from every route module's docs) and GET /docs, Swagger UI served
 * from the installed swagger-ui-dist package (never a CDN, so the page works offline).
 */

const require = createRequire(import.meta.url)
// Resolve the package folder only: requiring 'swagger-ui-dist' itself would load its 1.5 MB browser
// bundle into the server process at start-up (seen in a CPU profile, 2026-11).
const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/package.json'))
const SWAGGER_VERSION = (JSON.parse(readFileSync(join(SWAGGER_DIR, 'package.json'), 'utf8')) as { version: string })
  .version
const APP_VERSION = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version

const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' })
})
`

/** The files /docs may serve, with their content types. */
const ASSETS: Record<string, { type: string; load: () => Buffer | string }> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', load: () => readFileSync(join(SWAGGER_DIR, 'swagger-ui.css')) },
  'swagger-ui-bundle.js': {
    type: 'text/javascript; charset=utf-8',
    load: () => readFileSync(join(SWAGGER_DIR, 'swagger-ui-bundle.js')),
  },
  'favicon-32x32.png': { type: 'image/png', load: () => readFileSync(join(SWAGGER_DIR, 'favicon-32x32.png')) },
  'init.js': { type: 'text/javascript; charset=utf-8', load: () => INIT_JS },
}
const loaded = new Map<string, Buffer | string>()

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kratomwatch API documentation</title>
<link rel="stylesheet" href="/docs/swagger-ui.css?v=${SWAGGER_VERSION}">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png?v=${SWAGGER_VERSION}">
<style>
.kw-site{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:baseline;padding:.6rem 1rem;border-bottom:1px solid #d0d0d0;font-family:system-ui,sans-serif}
.kw-site a{color:#0b57d0}.kw-site .kw-brand{font-weight:700;font-size:1.2rem;color:#1d1d1f;text-decoration:none}
</style>
</head>
<body>
<header class="kw-site"><a class="kw-brand" href="/">kratomwatch</a>
<nav aria-label="Site"><a href="/">Map</a> · <a href="/changes.html">Changes</a> · <a href="/openapi.json">OpenAPI JSON</a> · <a href="/changes.atom">Atom feed</a></nav></header>
<noscript><p>This page needs JavaScript. The raw OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<main><div id="swagger-ui"></div></main>
<script src="/docs/swagger-ui-bundle.js?v=${SWAGGER_VERSION}"></script>
<script src="/docs/init.js?v=${SWAGGER_VERSION}"></script>
</body>
</html>
`

let document: Promise<OpenApiDocument> | undefined
/** The OpenAPI document, built once per process (routes do not change while it runs). */
export function openApiDocument(): Promise<OpenApiDocument> {
  document ??= collectRouteDocs().then((modules) => buildOpenApi({ modules, version: APP_VERSION }))
  document.catch(() => (document = undefined))
  return document
}

const AssetParams = z.object({ file: z.enum(Object.keys(ASSETS) as [string, ...string[]]) })

export const docsRoutes = new Hono<AppEnv>()
  .get('/openapi.json', async (c) => c.json(await openApiDocument(), 200, { 'cache-control': 'public, max-age=300' }))
  .get('/docs', (c) => c.html(DOCS_HTML, 200, { 'cache-control': 'public, max-age=300' }))
  .get('/docs/:file', validate('param', AssetParams), (c) => {
    const { file } = c.req.valid('param')
    const asset = ASSETS[file]
    if (!asset) throw new NotFoundError('docs asset', file)
    let body = loaded.get(file)
    if (body === undefined) loaded.set(file, (body = asset.load()))
    const etag = `"swagger-ui-${SWAGGER_VERSION}-${file}"`
    const headers = { etag, 'content-type': asset.type, 'cache-control': 'public, max-age=86400' }
    if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
    return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200, headers)
  })

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    description: 'Generated from the zod schemas the routes validate with.',
    tags: ['docs'],
    responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'Interactive API documentation (Swagger UI, served locally)',
    tags: ['docs'],
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs/{file}',
    summary: 'A static asset of the documentation page',
    tags: ['docs'],
    params: AssetParams,
    responses: {
      200: { description: 'the asset (CSS, JavaScript or icon)', contentType: 'application/octet-stream' },
      304: { description: 'not modified (ETag matched)' },
    },
  },
]
