import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { projectPath } from '../paths.js'
import type { ScraperDefinition } from './define-scraper.js'

/** One recorded fixture case of a scraper: a file per source. */
export interface FixtureCase {
  name: string
  /** `*.degraded.*`: the run must come out degraded. */
  degraded: boolean
  /** Source name → absolute file path. */
  files: Record<string, string>
}

const DOC = /\.(html|htm|json|pdf|xml|txt)$/

/** The fixtures folder of a scraper: `fixtures/<id>/`. */
export function fixtureDir(id: string, root: string = projectPath('fixtures')): string {
  return join(root, id)
}

/**
 * The cases in `fixtures/<id>/`: `<case>.<ext>` for a one-source scraper, `<case>@<source>.<ext>`
 * per source otherwise; `*.expected.json` and `*.source.json` sidecars are not cases.
 */
export function fixtureCases(def: Pick<ScraperDefinition, 'id' | 'sources'>, root?: string): FixtureCase[] {
  const dir = fixtureDir(def.id, root)
  if (!existsSync(dir)) return []
  const names = Object.keys(def.sources)
  const cases = new Map<string, FixtureCase>()
  for (const file of readdirSync(dir).sort()) {
    if (!DOC.test(file) || file.endsWith('.expected.json') || file.endsWith('.source.json')) continue
    const stem = file.replace(DOC, '')
    const [caseName, source] = stem.includes('@') ? (stem.split('@') as [string, string]) : [stem, names.length === 1 ? names[0]! : '']
    const degraded = caseName.endsWith('.degraded') || (source ?? '').endsWith('.degraded')
    const cleanSource = source.replace(/\.degraded$/, '')
    if (!names.includes(cleanSource)) continue
    const c = cases.get(caseName) ?? { name: caseName, degraded, files: {} }
    c.degraded ||= degraded
    c.files[cleanSource] = join(dir, file)
    cases.set(caseName, c)
  }
  return [...cases.values()]
}
