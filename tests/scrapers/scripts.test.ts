import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fixtureCases } from '../../src/scraping/fixtures.js'
import { loadRegistry } from '../../src/scraping/registry.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { documentsOfRun, writeCase } from '../../scripts/capture-fixture.js'
import { newMigration } from '../../scripts/new-migration.js'
import { scaffoldScraper } from '../../scripts/new-scraper.js'
import { tempDir, testDb } from '../helpers/db.js'

describe('scraper:new', () => {
  it('scaffolds a scraper the registry accepts, with its test and fixture folder', async () => {
    const root = tempDir()
    const [file, test, fixtures] = scaffoldScraper(root, 'us-la', 'legislature')
    expect(file).toBe(join(root, 'scrapers/us-la/us-la-legislature.ts'))
    expect(existsSync(test!)).toBe(true)
    const [reg] = await loadRegistry({
      config: loadConfig({}),
      chromiumPath: null,
      location: { dir: join(root, 'scrapers'), ext: '.ts' },
    })
    expect(reg!.def).toMatchObject({ id: 'us-la-legislature', jurisdictions: ['US-LA'], trust: 'primary' })
    expect(fixtureCases(reg!.def, join(root, 'fixtures'))).toHaveLength(1)
    expect(fixtures).toBe(join(root, 'fixtures/us-la-legislature'))
    expect(() => scaffoldScraper(root, 'us-la', 'legislature')).toThrow(/exists already/)
    expect(() => scaffoldScraper(root, 'US-LA', 'x')).toThrow(/lower-case/)
  })
})

describe('fixture:capture', () => {
  it('turns the documents of a stored (failed) run into a fixture case with its source line', () => {
    const t = testDb()
    const runId = t.stores.runs.start('us-tx-statutes-hs-444', '1', 'schedule', '2026-11-25T06:20:00Z')
    const html = readFileSync(fixtureCases(texas as ScraperDefinition).find((c) => c.degraded)!.files.chapter!)
    const snap = t.stores.runs.putSnapshot(html, 'text/html', '2026-11-25T06:20:01Z')
    t.stores.runs.attachDocument(runId, 'chapter', texas.sources.chapter.url, snap.id, '2026-11-25T06:20:01Z')
    const root = tempDir()
    const files = writeCase(
      root,
      texas as ScraperDefinition,
      'layout-2026-11.degraded',
      documentsOfRun(t.stores, runId),
      `run ${runId}`,
    )
    const written = readFileSync(files[0]!, 'utf8')
    expect(written.split('\n')[0]).toBe(`<!-- source: ${texas.sources.chapter.url} captured: 2026-11-25T06:20:01Z -->`)
    expect(written).toContain('statute-viewer')
    expect(JSON.parse(readFileSync(files[1]!, 'utf8'))).toEqual({
      source: texas.sources.chapter.url,
      captured: '2026-11-25T06:20:01Z',
      provenance: 'real',
      origin: `run ${runId}`,
    })
    expect(fixtureCases(texas as ScraperDefinition, join(root, 'fixtures'))).toEqual([
      expect.objectContaining({ name: 'layout-2026-11.degraded', degraded: true }),
    ])
  })
})

/** Runs a dev script the way its npm script does (tsx, source conditions); never a stack trace. */
function script(file: string, args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', '--conditions=source', file, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  })
  return { status: res.status, out: res.stdout, err: res.stderr }
}

describe('every dev script', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
  const scripts = Object.entries(pkg.scripts).flatMap(([name, cmd]) => {
    const file = /(scripts\/[a-z-]+\.ts)/.exec(cmd)?.[1]
    return file ? [[name, file] as const] : []
  })

  it('is an npm script whose file exists (scraper:new, fixture:capture, fixture:serve, dataset:check, dataset:places, db:new, docs:sdk)', () => {
    expect(scripts.map(([name]) => name).sort()).toEqual([
      'dataset:check',
      'dataset:places',
      'db:new',
      'docs:sdk',
      'fixture:capture',
      'fixture:serve',
      'scraper:new',
    ])
    for (const [, file] of scripts) expect(existsSync(file), file).toBe(true)
  })

  it.each(scripts)('%s answers --help with its usage', (name, file) => {
    const { status, out, err } = script(file, ['--help'])
    expect(status, err).toBe(0)
    expect(out).toMatch(new RegExp(`^usage: npm run ${name}`))
    expect(err).not.toMatch(/\n\s+at /)
  })

  it.each([
    ['scripts/serve-fixtures.ts', ['--case', 'nonsense'], /--case expects ID=CASE/],
    [
      'scripts/serve-fixtures.ts',
      ['--case', 'us-tx-statutes-hs-444=nope'],
      /no fixture case "nope"; its cases: chapter-444-2026-11/,
    ],
    ['scripts/serve-fixtures.ts', ['--fault', 'us-tx-statutes-hs-444=weird'], /unknown kind/],
    ['scripts/serve-fixtures.ts', ['--bogus'], /Unknown option '--bogus'[\s\S]*usage: npm run fixture:serve/],
    ['scripts/capture-fixture.ts', [], /needs a scraper id/],
    ['scripts/capture-fixture.ts', ['us-tx-statutes-hs-444', '--from-run', 'x'], /--from-run expects a run id/],
    [
      'scripts/capture-fixture.ts',
      ['us-tx-statutes-hs-444', '--from-run', '5', '--db', '/nonexistent/kw.db'],
      /no database at \/nonexistent\/kw\.db/,
    ],
    ['scripts/new-scraper.ts', ['us-la'], /needs a region and a name/],
    ['scripts/new-migration.ts', ['Bad Name'], /snake_case/],
  ] as const)('%s %j fails with a clear error, exit 2, no stack trace', (file, args, message) => {
    const { status, err } = script(file, [...args])
    expect(err).toMatch(message)
    expect(err).not.toMatch(/\n\s+at /)
    expect(status).toBe(2)
  })

  it('fixture:capture offline says why and what to do instead, without creating a database', () => {
    const db = join(tempDir(), 'none.db')
    // A closed port on 127.0.0.1 stands in for "no internet".
    const { status, err } = script('scripts/capture-fixture.ts', ['us-tx-statutes-hs-444'], {
      DATABASE_PATH: db,
      FETCH_ORIGIN_OVERRIDE: 'http://127.0.0.1:9',
      FETCH_RETRIES: '0',
    })
    expect(err).toMatch(
      /live fetch of us-tx-statutes-hs-444 failed: .*\nCapture on a machine with internet, or from a stored run: --from-run N \[--db PATH\]/,
    )
    expect(err).not.toMatch(/\n\s+at /)
    expect(status).toBe(2)
    expect(existsSync(db)).toBe(false)
  })
})

describe('db:new', () => {
  it('creates the next numbered migration with a why header, and refuses a bad name', () => {
    const dir = tempDir()
    writeFileSync(join(dir, '0001_init.sql'), 'CREATE TABLE t (id INTEGER PRIMARY KEY) STRICT;\n')
    const file = newMigration(dir, 'add_things')
    expect(file).toBe(join(dir, '0002_add_things.sql'))
    expect(readFileSync(file, 'utf8')).toMatch(/^-- 0002_add_things\.sql\n-- why: /)
    expect(() => newMigration(dir, 'Add Things')).toThrow(/snake_case/)
  })
})
