import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASELINE_DIR, loadBaseline, readDataset } from '../../src/baseline/load.js'
import { builtinJurisdictions } from '../../src/domain/index.js'
import { DatasetError } from '../../src/errors.js'
import { createStatusViews } from '../../src/read/status-view.js'
import { tempDir, testDb } from '../helpers/db.js'

const dataset = readDataset()
const US_STATES = builtinJurisdictions().filter((j) => j.parent === 'US' && !/^US-(AS|GU|MP|PR|UM|VI)$/.test(j.code)).map((j) => j.code)

describe('curated baseline dataset', () => {
  it('covers US federal, the 50 states and DC for both subjects', () => {
    expect(US_STATES).toHaveLength(51)
    for (const code of ['US', ...US_STATES]) {
      for (const subject of ['kratom', '7-oh']) {
        expect(dataset.entries.some((e) => e.jurisdiction === code && e.subject === subject), `${code} ${subject}`).toBe(true)
      }
    }
  })

  it('covers at least 15 counties or cities and 30 countries besides the US', () => {
    const local = new Set(dataset.entries.filter((e) => e.jurisdiction.split('-').length > 2).map((e) => e.jurisdiction))
    const countries = new Set(dataset.entries.filter((e) => /^[A-Z]{2}$/.test(e.jurisdiction) && e.jurisdiction !== 'US').map((e) => e.jurisdiction))
    expect(local.size).toBeGreaterThanOrEqual(15)
    expect(countries.size).toBeGreaterThanOrEqual(30)
  })

  it('gives every entry a citation, an https source, a summary and a confidence', () => {
    for (const e of dataset.entries) {
      expect(e.citation.length, e.jurisdiction).toBeGreaterThan(3)
      expect(e.source_url, e.jurisdiction).toMatch(/^https:\/\//)
      expect(e.summary.length, e.jurisdiction).toBeGreaterThan(10)
    }
  })

  it('dates every row except a default legal one, and keeps each pair in date order without duplicate dates', () => {
    const byPair = new Map<string, (string | null)[]>()
    for (const e of dataset.entries) {
      if (e.effective_date === null) expect(['legal', 'unknown'], `${e.jurisdiction} ${e.subject}`).toContain(e.status)
      const key = `${e.jurisdiction}|${e.subject}`
      byPair.set(key, [...(byPair.get(key) ?? []), e.effective_date])
    }
    for (const [key, dates] of byPair) expect(new Set(dates).size, key).toBe(dates.length)
  })

  it('records past transitions (a state banned since 2016 has its earlier legal row)', () => {
    const al = dataset.entries.filter((e) => e.jurisdiction === 'US-AL' && e.subject === 'kratom')
    expect(al.map((e) => e.status)).toEqual(['legal', 'banned'])
    expect(dataset.entries.filter((e) => e.jurisdiction === 'TH' && e.subject === 'kratom').length).toBeGreaterThanOrEqual(3)
  })

  it('declares San Diego under California', () => {
    expect(dataset.jurisdictions.find((j) => j.code === 'US-CA-SAN-DIEGO')).toMatchObject({ level: 'city', parent: 'US-CA' })
  })
})

describe('loadBaseline', () => {
  it('loads the dataset through the diff engine as the first rows of history', () => {
    const t = testDb()
    const load = loadBaseline(t.stores, t.engine, undefined, t.clock)
    expect(load.applied).toBe(dataset.entries.length)
    expect(load.result!.events.length).toBeGreaterThan(200)
    expect(t.stores.runs.get(load.run_id!)).toMatchObject({ scraper_id: 'curated-baseline', outcome: 'changed' })
    const events = t.stores.events.forJurisdiction('US-AL', { limit: 10 }).items
    expect(events.every((e) => e.run_id === load.run_id && e.snapshot_id !== null)).toBe(true)
    const views = createStatusViews(t.stores, t.clock)
    expect(views.effective('US-CA-SAN-DIEGO', 'kratom')).toMatchObject({ status: 'banned', decided_by: 'US-CA-SAN-DIEGO' })
  })

  it('does nothing when the dataset has not changed', () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    const again = loadBaseline(t.stores, t.engine, undefined, t.clock)
    expect(again).toMatchObject({ applied: 0, run_id: null })
  })

  it('applies only the edited entry when the dataset file changes', () => {
    const dir = tempDir()
    cpSync(BASELINE_DIR, dir, { recursive: true })
    const t = testDb()
    loadBaseline(t.stores, t.engine, dir, t.clock)
    const file = join(dir, 'us.json')
    const data = JSON.parse(readFileSync(file, 'utf8'))
    const entry = data.entries.findLast((e: { jurisdiction: string; subject: string }) => e.jurisdiction === 'US-AL' && e.subject === 'kratom')
    entry.citation = `${entry.citation} (renumbered in a test)`
    writeFileSync(file, JSON.stringify(data))
    const reload = loadBaseline(t.stores, t.engine, dir, t.clock)
    expect(reload.applied).toBe(1)
    // A citation reworded is description, not a change in the law: refreshed in place, no event.
    expect(reload.result!.events).toHaveLength(0)
    expect(reload.result!.confirmed).toBe(1)
    expect(t.stores.timeline.rows('US-AL', 'kratom').at(-1)!.citation).toMatch(/renumbered in a test/)
    entry.min_age = 21
    entry.status = 'regulated'
    writeFileSync(file, JSON.stringify(data))
    const edited = loadBaseline(t.stores, t.engine, dir, t.clock)
    expect(edited.result!.events[0]).toMatchObject({ type: 'status.corrected', jurisdiction: 'US-AL', changed_fields: ['status', 'min_age'] })
  })

  it('refuses a malformed dataset naming the file and field, loading nothing', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ reviewed_at: '2026-11-25', jurisdictions: [], entries: [{ jurisdiction: 'US-AL', subject: 'kratom', status: 'maybe' }] }))
    const t = testDb()
    expect(() => loadBaseline(t.stores, t.engine, dir, t.clock)).toThrow(DatasetError)
    expect(() => loadBaseline(t.stores, t.engine, dir, t.clock)).toThrow(/bad\.json: entries\.0\.status/)
    expect(t.stores.events.lastId()).toBe(0)
  })
})
