/**
 * `npm run fixture:capture -- <id> [--from-run N] [--db PATH] [--case NAME] [--live]` (`-- --help`): turns the documents of a stored
 * run (default: the scraper's latest run) into a fixture case under fixtures/<id>/; without any
 * stored run, fetches the sources live through the framework's fetch layer (needs internet).
 * HTML gets a first-line `<!-- source: … captured: … -->` comment; other kinds a `.source.json` sidecar.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../src/config.js'
import { migrate } from '../src/db/migrate.js'
import { openDb } from '../src/db/open.js'
import { createStores, type Stores } from '../src/db/stores/index.js'
import { createFetcher } from '../src/fetch/fetcher.js'
import { silentLogger } from '../src/log.js'
import { projectPath } from '../src/paths.js'
import type { FetchedDocument, ScraperDefinition, Source } from '../src/scraping/define-scraper.js'
import { toDocument } from '../src/scraping/documents.js'
import { loadRegistry } from '../src/scraping/registry.js'
import { checkFollowed, FOLLOWED_PREFIX, resolveHeaders, resolveUrl } from '../src/scraping/run.js'
import { scrapingStore } from '../src/db/stores/scraping.js'
import { fail, scriptArgs } from './args.js'

const EXT: Record<string, string> = { html: 'html', browser: 'html', json: 'json', pdf: 'pdf' }

interface Captured {
  source: string
  url: string
  body: Buffer
  captured: string
}

/** The kind of a followed document, from its bytes (a run does not record the kind of followed sources). */
function sniffKind(body: Buffer): 'json' | 'pdf' | 'html' {
  if (body.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf'
  try {
    JSON.parse(body.toString('utf8'))
    return 'json'
  } catch {
    return 'html'
  }
}

/** Writes one fixture case from captured documents; returns the files written. */
export function writeCase(
  root: string,
  def: ScraperDefinition,
  caseName: string,
  docs: Captured[],
  origin: string,
): string[] {
  const dir = join(root, 'fixtures', def.id)
  mkdirSync(dir, { recursive: true })
  const multi = Object.keys(def.sources).length > 1
  const written: string[] = []
  for (const d of docs) {
    // Followed documents (run documents `followed.<name>`) become `<case>@followed.<name>.<ext>`.
    const followed = d.source.startsWith(FOLLOWED_PREFIX)
    const kind = followed ? sniffKind(d.body) : def.sources[d.source]!.kind
    const file = join(dir, `${caseName}${multi || followed ? `@${d.source}` : ''}.${EXT[kind]}`)
    let body = d.body
    if (EXT[kind] === 'html') {
      const bom = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf
      const header = Buffer.from(`<!-- source: ${d.url} captured: ${d.captured} -->\n`)
      body = bom ? Buffer.concat([body.subarray(0, 3), header, body.subarray(3)]) : Buffer.concat([header, body])
    }
    writeFileSync(file, body)
    written.push(file)
    const sidecar = join(dir, `${caseName}${multi || followed ? `@${d.source}` : ''}.source.json`)
    // A captured document is what the source answered: provenance real (src/scraping/provenance.ts).
    writeFileSync(
      sidecar,
      JSON.stringify({ source: d.url, captured: d.captured, provenance: 'real', origin }, null, 2) + '\n',
    )
    written.push(sidecar)
  }
  return written
}

/** The documents of a stored run. */
export function documentsOfRun(stores: Stores, runId: number): Captured[] {
  const docs = stores.runs.documents(runId)
  if (docs.length === 0) throw new Error(`run ${runId} has no stored documents (pruned, or it failed before fetching)`)
  return docs.map((d) => ({
    source: d.source_name,
    url: d.url,
    body: stores.runs.getSnapshot(d.snapshot_id)!.body,
    captured: d.fetched_at,
  }))
}

const USAGE = `
usage: npm run fixture:capture -- <scraper-id> [--from-run N] [--db PATH] [--case NAME] [--live]

Turns fetched documents into a fixture case under fixtures/<scraper-id>/ (HTML gets a first-line
<!-- source: … captured: … --> comment; JSON and PDF a .source.json sidecar):
  (default)      the documents of the scraper's latest stored run, if the database has one; else a live fetch
  --from-run N   the documents of run N (GET /scrapers/<id>/runs lists them), e.g. a run that came out degraded
  --db PATH      the database to read runs from (default: DATABASE_PATH, else ./data/kratomwatch.db); it must exist
  --live         fetch the sources now through the framework's fetch layer (needs internet)
  --case NAME    the case name (default run-<N>-<date> or live-<date>); end it in .degraded for a page that
                 must make the scraper degraded, e.g. --case layout-2026-11.degraded

example: npm run fixture:capture -- us-tx-statutes-hs-444 --from-run 812 --case layout-2026-11.degraded
`

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = scriptArgs(USAGE, {
    'from-run': { type: 'string' },
    db: { type: 'string' },
    case: { type: 'string' },
    live: { type: 'boolean' },
  })
  const [id] = positionals
  if (!id) fail(`fixture:capture needs a scraper id\n\n${USAGE.trim()}`)
  if (values['from-run'] !== undefined && !/^[1-9]\d*$/.test(values['from-run']))
    fail(`--from-run expects a run id, a positive integer (got "${values['from-run']}")`)
  if (values['from-run'] !== undefined && values.live)
    fail('--from-run and --live exclude each other: capture either a stored run or a live fetch')
  if (values.case !== undefined && !/^[a-z0-9][a-z0-9.-]*$/.test(values.case))
    fail(`--case expects a lower-case name such as schedule1-2026-11 (got "${values.case}")`)
  const config = loadConfig(values.db ? { ...process.env, DATABASE_PATH: values.db } : process.env)
  const registry = await loadRegistry({ config, chromiumPath: null })
  const reg = registry.find((r) => r.def.id === id)
  if (!reg) fail(`no scraper "${id}"; known: ${registry.map((r) => r.def.id).join(', ')}`)
  // Never create an empty database by accident: reading runs needs one that exists.
  const hasDb = existsSync(config.DATABASE_PATH)
  if (!hasDb && (values['from-run'] || values.db))
    fail(
      `no database at ${config.DATABASE_PATH}; pass --db PATH (or set DATABASE_PATH) to the database that holds the run`,
    )
  const db = openDb(hasDb ? config.DATABASE_PATH : ':memory:')
  migrate(db)
  const stores = createStores(db)
  try {
    const runId = values['from-run']
      ? Number(values['from-run'])
      : values.live
        ? null
        : (scrapingStore(db).runs(id, { limit: 1 })[0]?.id ?? null)
    let docs: Captured[]
    let origin: string
    if (runId !== null) {
      const run = stores.runs.get(runId)
      if (!run) fail(`no run ${runId} in ${config.DATABASE_PATH}; list the runs with GET /scrapers/${id}/runs`)
      if (run.scraper_id !== id) fail(`run ${runId} belongs to scraper "${run.scraper_id}", not "${id}"`)
      console.log(`reading run ${runId} (${run.outcome ?? 'unfinished'}) from ${config.DATABASE_PATH}`)
      docs = documentsOfRun(stores, runId)
      origin = `run ${runId} (${run.outcome}${run.reason ? `, ${run.reason}` : ''}${run.error ? `: ${run.error}` : ''})`
    } else {
      console.log(
        `${hasDb ? `no stored run of ${id} in ${config.DATABASE_PATH}` : 'live capture'}: fetching its sources now`,
      )
      const fetcher = createFetcher({ config, log: silentLogger, store: scrapingStore(db), clock: () => new Date() })
      docs = []
      const fetchOne = async (name: string, source: Source) => {
        const { url, recordUrl } = resolveUrl(source.url, config)
        const f = await fetcher.fetch(
          { kind: source.kind, url, recordUrl, headers: resolveHeaders(source.headers, config) },
          { conditional: false },
        )
        docs.push({ source: name, url: f.url, body: f.body, captured: new Date().toISOString() })
        return f
      }
      try {
        const first: Record<string, FetchedDocument> = {}
        for (const [name, source] of Object.entries(reg.def.sources)) {
          const f = await fetchOne(name, source)
          first[name] = await toDocument(source.kind === 'browser' ? 'html' : source.kind, f.url, f.body, f.contentType)
        }
        // The second phase too (e.g. eCFR's dated section), as a first run would ask for it.
        if (reg.def.follow) {
          const wanted = checkFollowed(
            reg.def,
            reg.def.follow(first as never, { today: new Date().toISOString().slice(0, 10), previous: null }),
          )
          for (const [name, source] of Object.entries(wanted)) await fetchOne(`${FOLLOWED_PREFIX}${name}`, source)
        }
      } catch (error) {
        fail(
          `live fetch of ${id} failed: ${(error as Error).message}\n` +
            'Capture on a machine with internet, or from a stored run: --from-run N [--db PATH] (a production database holds the runs).',
        )
      } finally {
        await fetcher.close()
      }
      origin = 'live fetch'
    }
    const caseName = values.case ?? `${runId !== null ? `run-${runId}` : 'live'}-${docs[0]!.captured.slice(0, 10)}`
    for (const f of writeCase(projectPath(''), reg.def, caseName, docs, origin)) console.log(`wrote ${f}`)
    const check = `npx vitest run scrapers/${reg.region} tests/scrapers/contract.test.ts`
    console.log(
      caseName.endsWith('.degraded')
        ? `next: ${check}; the contract test expects this case to come out degraded.`
        : `next: review the case (if the page must make the scraper degraded, capture it again with --case ${caseName}.degraded); then ${check} and review the new .expected.json line by line.`,
    )
  } finally {
    db.close()
  }
}
