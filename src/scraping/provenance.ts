import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { fixtureDir } from './fixtures.js'

/** What a fixture sidecar (`<case>.source.json`) must say about where its document came from. */
export const FixtureSidecar = z.looseObject({
  source: z.string().optional(),
  provenance: z.enum(['real', 'synthetic']),
})
export type FixtureSidecar = z.infer<typeof FixtureSidecar>

/**
 * `fixtures/<id>/real-sources.json`: the real recorded responses (in `../shared/real-sources/`, never
 * copied into the repository) that a scraper's tests run its parse on, and what each proves.
 */
export const RealMaterial = z.array(
  z.strictObject({
    /** Path under the shared real-sources folder, e.g. `state-legislature/tx-statutes-BC.551-2026.htm`. */
    path: z.string().regex(/^[a-z0-9-]+\/[^/]+$/),
    /** `document`: a real response of this scraper's own source; `template`: another document served by the same endpoint or page template. */
    scope: z.enum(['document', 'template']),
    /** The test file (from the project root) that reads it. */
    test: z.string().min(1),
    /** What the test expects from it. */
    expects: z.string().min(1),
  }),
)
export type RealMaterial = z.infer<typeof RealMaterial>

/** How far a scraper is proven on real material. */
export const ScraperProvenance = z.strictObject({
  provenance: z
    .enum(['real', 'real-template', 'synthetic', 'unknown'])
    .describe(
      'real: a fixture captured from its live source, or a real response of its own endpoint is tested; real-template: tested on a real response of the same template (another document); synthetic: only imitations; unknown: no fixtures shipped',
    ),
  real_material: z
    .array(z.string())
    .describe('real recorded responses its tests parse: fixture files marked real, and shared/real-sources paths'),
})
export type ScraperProvenance = z.infer<typeof ScraperProvenance>

/** Reads `fixtures/<id>/real-sources.json` (empty when absent); throws on a malformed file. */
export function realMaterial(id: string, root?: string): RealMaterial {
  const file = join(fixtureDir(id, root), 'real-sources.json')
  if (!existsSync(file)) return []
  const parsed = RealMaterial.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}. Fix the file (format in src/scraping/provenance.ts).`,
    )
  return parsed.data
}

function sidecars(dir: string): { file: string; sidecar: unknown }[] {
  const out: { file: string; sidecar: unknown }[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sidecars(path))
    else if (entry.name.endsWith('.source.json'))
      out.push({ file: path, sidecar: JSON.parse(readFileSync(path, 'utf8')) as unknown })
  }
  return out
}

/**
 * A scraper's provenance from its fixtures folder: `real` when a fixture sidecar says
 * `provenance: real` or a real response of its own source is tested, `real-template` when only a
 * real document of the same template is, else `synthetic`; `unknown` when no fixtures are shipped.
 */
export function scraperProvenance(id: string, root?: string): ScraperProvenance {
  const key = `${root ?? ''}\0${id}`
  const known = cache.get(key)
  if (known) return known
  const computed = computeProvenance(id, root)
  cache.set(key, computed)
  return computed
}
// Fixtures do not change while a process runs; GET /scrapers asks on every request.
const cache = new Map<string, ScraperProvenance>()

function computeProvenance(id: string, root?: string): ScraperProvenance {
  const dir = fixtureDir(id, root)
  if (!existsSync(dir)) return { provenance: 'unknown', real_material: [] }
  const real = sidecars(dir)
    .filter((s) => FixtureSidecar.safeParse(s.sidecar).data?.provenance === 'real')
    .map((s) => s.file.slice(dir.length + 1).replace(/\.source\.json$/, ''))
  const material = realMaterial(id, root)
  const provenance =
    real.length || material.some((m) => m.scope === 'document')
      ? 'real'
      : material.length
        ? 'real-template'
        : 'synthetic'
  return {
    provenance,
    real_material: [...real.map((f) => `fixtures/${id}/${f}`), ...material.map((m) => `real-sources/${m.path}`)],
  }
}
