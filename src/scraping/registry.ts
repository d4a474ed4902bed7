import { readdirSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Config } from '../config.js'
import { ScraperDefinitionError } from '../errors.js'
import { projectPath } from '../paths.js'
import { INSTALL_CHROMIUM_HINT } from '../fetch/browser.js'
import { ScraperDefinitionSchema, type ScraperDefinition } from './define-scraper.js'

/** A discovered scraper: its definition, file, and whether it may run here. */
export interface RegisteredScraper {
  def: ScraperDefinition
  file: string
  region: string
  /** Why it does not run (missing API key, no Chromium); null when enabled. */
  disabled: string | null
}

/** Where scrapers live: `scrapers/**\/*.ts` under tsx/vitest, `dist/scrapers/**\/*.js` when compiled. */
export function scrapersLocation(): { dir: string; ext: '.ts' | '.js' } {
  const compiled = import.meta.url.includes('/dist/src/')
  return compiled ? { dir: projectPath('dist/scrapers'), ext: '.js' } : { dir: projectPath('scrapers'), ext: '.ts' }
}

/** Every scraper file under `dir` (tests, declaration files and maps excluded), sorted. */
export function scraperFiles(dir: string, ext: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith(ext) && !name.endsWith(`.test${ext}`) && !name.endsWith('.d.ts')) out.push(path)
    }
  }
  try {
    walk(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return out
}

/** Checks one loaded module against the conventions; throws ScraperDefinitionError naming the file. */
export function validateScraperModule(
  mod: unknown,
  file: string,
  root: string,
): { def: ScraperDefinition; region: string } {
  const rel = relative(root, file)
  const def = (mod as { default?: unknown }).default
  if (!def || typeof def !== 'object')
    throw new ScraperDefinitionError(
      `${rel}: no default export; a scraper file must "export default defineScraper({...})".`,
    )
  const parsed = ScraperDefinitionSchema.safeParse(def)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(definition)'}: ${i.message}`).join('; ')
    throw new ScraperDefinitionError(`${rel}: invalid scraper definition: ${problems}.`)
  }
  const d = def as ScraperDefinition
  const stem = basename(file).replace(/\.(ts|js)$/, '')
  if (d.id !== stem)
    throw new ScraperDefinitionError(`${rel}: id "${d.id}" must equal the file name "${stem}"; rename one of them.`)
  const parts = relative(root, file).split(/[\\/]/)
  if (parts.length !== 2)
    throw new ScraperDefinitionError(
      `${rel}: scrapers live at scrapers/<region>/<id>.ts (one folder level); move the file.`,
    )
  const region = parts[0]!
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(region))
    throw new ScraperDefinitionError(
      `${rel}: region folder "${region}" must be a lower-case code such as "us-tx" or "th".`,
    )
  return { def: d, region }
}

/**
 * Discovers, imports and validates every scraper. Refuses (ScraperDefinitionError) on any invalid
 * file or duplicate id, naming the file and the problem; marks scrapers that cannot run here as
 * disabled (missing API key, browser source without Chromium).
 */
export async function loadRegistry(options: {
  config: Config
  chromiumPath: string | null
  location?: { dir: string; ext: string }
}): Promise<RegisteredScraper[]> {
  const { dir, ext } = options.location ?? scrapersLocation()
  const seen = new Map<string, string>()
  const out: RegisteredScraper[] = []
  for (const file of scraperFiles(dir, ext)) {
    let mod: unknown
    try {
      mod = await import(pathToFileURL(file).href)
    } catch (error) {
      throw new ScraperDefinitionError(`${relative(dir, file)}: failed to load: ${(error as Error).message}`, {
        cause: error,
      })
    }
    const { def, region } = validateScraperModule(mod, file, dir)
    const prior = seen.get(def.id)
    if (prior)
      throw new ScraperDefinitionError(
        `${relative(dir, file)}: duplicate scraper id "${def.id}" (also in ${prior}); ids must be unique.`,
      )
    seen.set(def.id, relative(dir, file))
    out.push({ def, file, region, disabled: disabledReason(def, options.config, options.chromiumPath) })
  }
  return out
}

/** Why a scraper cannot run with this configuration, or null. */
export function disabledReason(def: ScraperDefinition, config: Config, chromiumPath: string | null): string | null {
  const missing = (def.requiresEnv ?? []).filter((name) => !envValue(config, name))
  if (missing.length)
    return `needs ${missing.join(', ')} (API key not configured); set it in the environment to enable this scraper.`
  if (!chromiumPath && Object.values(def.sources).some((s) => s.kind === 'browser')) {
    return `has a browser source but ${INSTALL_CHROMIUM_HINT}`
  }
  return null
}

/** A configuration value by name: the parsed Config first, then the raw environment (source API keys). */
export function envValue(config: Config, name: string): string | undefined {
  const v = (config as unknown as Record<string, unknown>)[name]
  if (typeof v === 'string' && v) return v
  return process.env[name] || undefined
}
