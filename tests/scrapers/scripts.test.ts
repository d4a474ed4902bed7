import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fixtureCases } from '../../src/scraping/fixtures.js'
import { loadRegistry } from '../../src/scraping/registry.js'
import texas from '../../scrapers/us-tx/us-tx-statutes-hs-444.js'
import type { ScraperDefinition } from '../../src/scraping/define-scraper.js'
import { documentsOfRun, writeCase } from '../../scripts/capture-fixture.js'
import { scaffoldScraper } from '../../scripts/new-scraper.js'
import { tempDir, testDb } from '../helpers/db.js'

describe('scraper:new', () => {
  it('scaffolds a scraper the registry accepts, with its test and fixture folder', async () => {
    const root = tempDir()
    const [file, test, fixtures] = scaffoldScraper(root, 'us-la', 'legislature')
    expect(file).toBe(join(root, 'scrapers/us-la/us-la-legislature.ts'))
    expect(existsSync(test!)).toBe(true)
    const [reg] = await loadRegistry({ config: loadConfig({}), chromiumPath: null, location: { dir: join(root, 'scrapers'), ext: '.ts' } })
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
    const files = writeCase(root, texas as ScraperDefinition, 'layout-2026-11.degraded', documentsOfRun(t.stores, runId), `run ${runId}`)
    const written = readFileSync(files[0]!, 'utf8')
    expect(written.split('\n')[0]).toBe(`<!-- source: ${texas.sources.chapter.url} captured: 2026-11-25T06:20:01Z -->`)
    expect(written).toContain('statute-viewer')
    expect(JSON.parse(readFileSync(files[1]!, 'utf8'))).toEqual({ source: texas.sources.chapter.url, captured: '2026-11-25T06:20:01Z', provenance: 'real', origin: `run ${runId}` })
    expect(fixtureCases(texas as ScraperDefinition, join(root, 'fixtures'))).toEqual([expect.objectContaining({ name: 'layout-2026-11.degraded', degraded: true })])
  })
})
