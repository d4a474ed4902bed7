import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isoDay } from '../domain/index.js'
import type { SourceKind } from '../fetch/fetcher.js'
import { projectPath } from '../paths.js'
import type { FetchedDocument, ScraperDefinition, Source } from './define-scraper.js'
import { toDocument } from './documents.js'
import { checkFollowed } from './run.js'

/** One recorded fixture case of a scraper: a file per source. */
export interface FixtureCase {
  name: string
  /** `*.degraded.*`: the run must come out degraded. */
  degraded: boolean
  /** Source name → absolute file path. */
  files: Record<string, string>
  /** Followed source name → file served only in this case (`<case>@followed.<name>.<ext>`). */
  followed?: Record<string, string>
}

const DOC = /\.(html|htm|json|pdf|xml|txt)$/
/** `fixtures/<id>/real-sources.json` lists the shared real responses a scraper's tests read (src/scraping/provenance.ts); not a case. */
const REAL_SOURCES_FILE = 'real-sources.json'

/** The fixtures folder of a scraper: `fixtures/<id>/`. */
export function fixtureDir(id: string, root: string = projectPath('fixtures')): string {
  return join(root, id)
}

/**
 * The cases in `fixtures/<id>/`: `<case>.<ext>` for a one-source scraper, `<case>@<source>.<ext>`
 * per source otherwise; `*.expected.json` and `*.source.json` sidecars and `real-sources.json` are not cases. Documents of
 * followed sources (see `follow`) are `<case>@followed.<name>.<ext>` for one case, or
 * `followed/<name>.<ext>` for every case (see `followedFixtures`).
 */
export function fixtureCases(def: Pick<ScraperDefinition, 'id' | 'sources'>, root?: string): FixtureCase[] {
  const dir = fixtureDir(def.id, root)
  if (!existsSync(dir)) return []
  const names = Object.keys(def.sources)
  const cases = new Map<string, FixtureCase>()
  for (const file of readdirSync(dir).sort()) {
    if (
      !DOC.test(file) ||
      file.endsWith('.expected.json') ||
      file.endsWith('.source.json') ||
      file === REAL_SOURCES_FILE
    )
      continue
    const stem = file.replace(DOC, '')
    const [caseName, source] = stem.includes('@')
      ? (stem.split('@') as [string, string])
      : [stem, names.length === 1 ? names[0]! : '']
    const degraded = caseName.endsWith('.degraded') || (source ?? '').endsWith('.degraded')
    const cleanSource = source.replace(/\.degraded$/, '')
    const followed = cleanSource.startsWith(FOLLOWED_FILE_PREFIX)
      ? cleanSource.slice(FOLLOWED_FILE_PREFIX.length)
      : null
    if (followed === null && !names.includes(cleanSource)) continue
    const c = cases.get(caseName) ?? { name: caseName, degraded, files: {} }
    c.degraded ||= degraded
    if (followed !== null) (c.followed ??= {})[followed] = join(dir, file)
    else c.files[cleanSource] = join(dir, file)
    cases.set(caseName, c)
  }
  return [...cases.values()]
}

/** One named case of `fixtures/<id>/`; throws, naming the folder, when there is none. */
export function fixtureCase(def: Pick<ScraperDefinition, 'id' | 'sources'>, name: string, root?: string): FixtureCase {
  const found = fixtureCases(def, root).find((c) => c.name === name)
  if (!found) throw new Error(`no fixture case "${name}" in fixtures/${def.id}/`)
  return found
}

const FOLLOWED_FILE_PREFIX = 'followed.'
const KIND_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
  xml: 'application/xml',
  txt: 'text/plain',
}

/** One followed source of a fixture case and the file that answers it (null: none, the server answers 404). */
export interface FollowedFixture {
  name: string
  source: Source
  file: string | null
}

/**
 * The followed sources of a fixture case, as a first run would ask for them: the scraper's `follow`
 * on the case's documents with no memory (`previous: null`), each mapped to its file
 * (`<case>@followed.<name>.<ext>`, else `followed/<name>.<ext>`). Empty without `follow`, or when the
 * case's documents do not parse or `follow` refuses them (the run is then degraded anyway).
 */
export async function followedFixtures(
  def: ScraperDefinition,
  fixture: FixtureCase,
  options: { root?: string; today?: string } = {},
): Promise<FollowedFixture[]> {
  if (!def.follow) return []
  let wanted: Record<string, Source>
  try {
    const documents: Record<string, FetchedDocument> = {}
    for (const [name, path] of Object.entries(fixture.files)) {
      const source = def.sources[name]!
      const kind: SourceKind = source.kind === 'browser' ? 'html' : source.kind
      documents[name] = await toDocument(kind, source.url, readFileSync(path), KIND_TYPES[path.split('.').pop()!] ?? '')
    }
    wanted = checkFollowed(
      def,
      def.follow(documents as never, { today: options.today ?? isoDay(new Date()), previous: null }),
    )
  } catch {
    return []
  }
  const shared = join(fixtureDir(def.id, options.root), 'followed')
  const sharedFiles = existsSync(shared)
    ? readdirSync(shared).filter((f) => DOC.test(f) && !f.endsWith('.source.json'))
    : []
  return Object.entries(wanted).map(([name, source]) => {
    const own = fixture.followed?.[name]
    const common = sharedFiles.find((f) => f.replace(DOC, '') === name)
    return { name, source, file: own ?? (common ? join(shared, common) : null) }
  })
}
