import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ScraperDefinitionError } from '../../src/errors.js'
import { fixtureCases, fixtureDir } from '../../src/scraping/fixtures.js'
import { FixtureSidecar, realMaterial, scraperProvenance } from '../../src/scraping/provenance.js'
import { disabledReason, loadRegistry, scraperFiles } from '../../src/scraping/registry.js'
import { tempDir } from '../helpers/db.js'
import { hasRealSources, REAL_SOURCES } from '../helpers/real-sources.js'

const registry = await loadRegistry({ config: loadConfig({}), chromiumPath: '/usr/bin/chromium' })

describe('registry integrity', () => {
  it('discovers the scrapers, including both examples', () => {
    const ids = registry.map((r) => r.def.id)
    expect(ids).toContain('us-tx-statutes-hs-444')
    expect(ids).toContain('us-aka-state-map')
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('the README scraper table lists every scraper with the provenance its fixtures prove', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const rows = new Map(
      // Cells are trimmed: the formatter pads table columns.
      [...readme.matchAll(/^\| `([a-z0-9-]+)` +\|(?:[^\n]*?\|){3} +(real|real-template|synthetic) +\|/gm)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    )
    for (const { def } of registry)
      expect(rows.get(def.id), `README row of ${def.id}`).toBe(scraperProvenance(def.id).provenance)
    expect([...rows.keys()].sort()).toEqual(registry.map((r) => r.def.id).sort())
  })

  // Id = file name, a valid cron and well-formed codes are enforced by loadRegistry itself (the
  // import above would throw); 'registry validation' below shows each refusal. Here: what it does not check.
  describe.each(registry.map((r) => [r.def.id, r] as const))('%s', (id, reg) => {
    it('has fixture cases (one per source each) and a test file', () => {
      // Reviewed *.expected.json files are enforced by the contract test (vitest writes none in CI).
      const cases = fixtureCases(reg.def)
      expect(cases.filter((c) => !c.degraded).length, `fixtures/${id}/ needs at least one normal case`).toBeGreaterThan(
        0,
      )
      for (const c of cases)
        expect(Object.keys(c.files).sort(), `case ${c.name}`).toEqual(Object.keys(reg.def.sources).sort())
      expect(existsSync(reg.file.replace(/\.ts$/, '.test.ts')), `${id}.test.ts missing`).toBe(true)
    })
    it('says where every fixture came from (provenance: real | synthetic in each sidecar)', () => {
      const dir = fixtureDir(id)
      const files = [
        ...fixtureCases(reg.def).flatMap((c) => [...Object.values(c.files), ...Object.values(c.followed ?? {})]),
      ]
      for (const f of files) {
        const sidecar = f.replace(/\.[a-z]+$/, '.source.json')
        expect(existsSync(sidecar), `${sidecar.slice(dir.length + 1)} missing`).toBe(true)
        const parsed = FixtureSidecar.safeParse(JSON.parse(readFileSync(sidecar, 'utf8')))
        expect(parsed.success, `${sidecar}: needs "provenance": "real" | "synthetic"`).toBe(true)
      }
    })
    it.skipIf(!hasRealSources)('reads every real response it claims (real-sources.json) in the named test', () => {
      for (const m of realMaterial(id)) {
        expect(existsSync(join(REAL_SOURCES, m.path)), `real-sources/${m.path} does not exist`).toBe(true)
        expect(readFileSync(m.test, 'utf8'), `${m.test} never reads ${m.path}`).toContain(m.path)
      }
      expect(scraperProvenance(id).provenance).not.toBe('unknown')
    })
    it('imports nothing but #sdk', () => {
      const imports = [...readFileSync(reg.file, 'utf8').matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])
      expect(imports.every((i) => i === '#sdk')).toBe(true)
    })
  })
})

describe('registry validation', () => {
  const write = (dir: string, rel: string, body: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), body)
  }
  const valid = (id: string, extra = '') =>
    `export default { id: '${id}', title: 't', jurisdictions: ['US-TX'], trust: 'primary', schedule: '0 6 * * *', parserVersion: '1', sources: { page: { kind: 'html', url: 'https://example.gov/x' } }, parse() { return [] }${extra} }\n`
  const load = (dir: string) =>
    loadRegistry({ config: loadConfig({}), chromiumPath: null, location: { dir, ext: '.js' } })

  it('loads a valid file', async () => {
    const dir = tempDir()
    write(dir, 'us-tx/us-tx-example.js', valid('us-tx-example'))
    write(dir, 'us-tx/us-tx-example.test.js', 'throw new Error("tests are not scrapers")')
    const [reg] = await load(dir)
    expect(reg).toMatchObject({ region: 'us-tx', disabled: null, def: { id: 'us-tx-example' } })
  })

  it.each([
    [
      'id ≠ file name',
      'us-tx/us-tx-other.js',
      valid('us-tx-example'),
      /us-tx-other.js: id "us-tx-example" must equal the file name "us-tx-other"/,
    ],
    [
      'bad cron',
      'us-tx/us-tx-example.js',
      valid('us-tx-example').replace('0 6 * * *', '61 6 * * *'),
      /us-tx-example.js: invalid scraper definition: schedule: not a valid cron expression/,
    ],
    [
      'lower-case code',
      'us-tx/us-tx-example.js',
      valid('us-tx-example').replace("'US-TX'", "'us-tx'"),
      /jurisdictions.0: jurisdiction codes are upper case/,
    ],
    [
      'http url',
      'us-tx/us-tx-example.js',
      valid('us-tx-example').replace('https://', 'http://'),
      /sources.page.url: source URLs must be absolute https/,
    ],
    [
      'unknown key',
      'us-tx/us-tx-example.js',
      valid('us-tx-example', ', extra: 1'),
      /invalid scraper definition: .*extra/,
    ],
    ['no default export', 'us-tx/us-tx-example.js', 'export const x = 1\n', /us-tx-example.js: no default export/],
    [
      'upper-case region folder',
      'US-TX/us-tx-example.js',
      valid('us-tx-example'),
      /region folder "US-TX" must be a lower-case code/,
    ],
    ['nested too deep', 'us/tx/us-tx-example.js', valid('us-tx-example'), /one folder level/],
  ])('refuses %s, naming the file and the problem', async (_what, rel, body, message) => {
    const dir = tempDir()
    write(dir, rel, body)
    const error = await load(dir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ScraperDefinitionError)
    expect((error as Error).message).toMatch(message)
  })

  it('refuses duplicate ids', async () => {
    const dir = tempDir()
    write(dir, 'us-tx/us-tx-example.js', valid('us-tx-example'))
    write(dir, 'us/us-tx-example.js', valid('us-tx-example'))
    await expect(load(dir)).rejects.toThrow(/duplicate scraper id "us-tx-example"/)
  })

  it('finds compiled scrapers (dist/scrapers/**/*.js) without tests, maps or declarations', () => {
    const dir = tempDir()
    for (const f of ['us/us-a.js', 'us/us-a.js.map', 'us/us-a.d.ts', 'us/us-a.test.js', 'us-tx/us-tx-b.js'])
      write(dir, f, '')
    expect(scraperFiles(dir, '.js').map((f) => f.slice(dir.length + 1))).toEqual(['us/us-a.js', 'us-tx/us-tx-b.js'])
  })

  it('disables a scraper whose API key is missing or whose browser source has no Chromium, saying why', async () => {
    const def = {
      id: 'us-x',
      title: 't',
      jurisdictions: ['US'],
      trust: 'primary' as const,
      schedule: '0 1 * * *',
      parserVersion: '1',
      requiresEnv: ['LEGISCAN_API_KEY'],
      sources: { a: { kind: 'browser' as const, url: 'https://x.gov' } },
      parse: () => [],
    }
    expect(disabledReason(def, loadConfig({}), '/usr/bin/chromium')).toMatch(/needs LEGISCAN_API_KEY/)
    expect(disabledReason(def, loadConfig({ LEGISCAN_API_KEY: 'k' }), null)).toMatch(/no Chromium found: install one/)
    expect(disabledReason(def, loadConfig({ LEGISCAN_API_KEY: 'k' }), '/usr/bin/chromium')).toBeNull()
  })
})
