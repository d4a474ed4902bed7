import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDataset } from '../../src/baseline/check.js'
import { BASELINE_DIR, DatasetEntry, loadBaseline, readDataset } from '../../src/baseline/load.js'
import { builtinJurisdictions, USPS_TO_FIPS } from '../../src/domain/index.js'
import { DatasetError } from '../../src/errors.js'
import { createStatusViews } from '../../src/read/status-view.js'
import { tempDir, testDb } from '../helpers/db.js'

const dataset = readDataset()
const US_STATES = builtinJurisdictions()
  .filter((j) => j.parent === 'US' && !/^US-(AS|GU|MP|PR|UM|VI)$/.test(j.code))
  .map((j) => j.code)

describe('curated baseline dataset', () => {
  it('covers US federal, the 50 states and DC for both subjects', () => {
    expect(US_STATES).toHaveLength(51)
    for (const code of ['US', ...US_STATES]) {
      for (const subject of ['kratom', '7-oh']) {
        expect(
          dataset.entries.some((e) => e.jurisdiction === code && e.subject === subject),
          `${code} ${subject}`,
        ).toBe(true)
      }
    }
  })

  it('covers at least 15 counties or cities and 30 countries besides the US', () => {
    const local = new Set(
      dataset.entries.filter((e) => e.jurisdiction.split('-').length > 2).map((e) => e.jurisdiction),
    )
    const countries = new Set(
      dataset.entries
        .filter((e) => /^[A-Z]{2}$/.test(e.jurisdiction) && e.jurisdiction !== 'US')
        .map((e) => e.jurisdiction),
    )
    expect(local.size).toBeGreaterThanOrEqual(15)
    expect(countries.size).toBeGreaterThanOrEqual(30)
  })

  it('gives every entry a citation, classified sources, a summary, a review date, and every unknown a research note', () => {
    for (const e of dataset.entries) {
      const label = `${e.jurisdiction} ${e.subject} ${e.effective_date}`
      expect(e.citation.length, label).toBeGreaterThan(3)
      expect(e.summary.length, label).toBeGreaterThan(10)
      expect(e.reviewed_on <= '2026-12-31', label).toBe(true)
      for (const source of e.sources) {
        expect(source.url, label).toMatch(/^https?:\/\//)
        expect(['official', 'secondary', 'commercial'], label).toContain(source.kind)
      }
      if (e.status === 'unknown') expect(e.note?.length ?? 0, label).toBeGreaterThan(20)
      else expect(e.sources.length, label).toBeGreaterThan(0)
    }
  })

  it('never rests a status on a seller, and cites an official source for every high-confidence row', () => {
    for (const e of dataset.entries) {
      const kinds = new Set(e.sources.map((s) => s.kind))
      const label = `${e.jurisdiction} ${e.subject} ${e.effective_date}`
      if (e.confidence === 'high') expect(kinds.has('official'), label).toBe(true)
      if (e.status !== 'unknown')
        expect(kinds.has('official') || kinds.has('secondary'), `${label} rests only on a seller`).toBe(true)
    }
  })

  it('has codes that exist, one row per place, subject and date, each in its region file', () => {
    expect(checkDataset(dataset)).toEqual([])
  })

  it('refuses two rows in a row saying the same thing, which the timeline would fold into one period', () => {
    const fi = dataset.located.filter(({ entry }) => entry.jurisdiction === 'FI' && entry.subject === 'kratom')
    expect(fi).toHaveLength(2)
    const same = fi.map(({ file, entry }) => ({ file, entry: { ...entry, conditions: [] } }))
    expect(checkDataset({ ...dataset, located: same })).toEqual([
      {
        file: 'countries/fi.json',
        entry: 'FI/kratom@2016-04-01',
        message: expect.stringContaining('says the same as the row from the start'),
      },
    ])
  })

  it('changes nothing when applied again from scratch: no period is folded into another', () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, BASELINE_DIR, t.clock)
    t.db.exec('DELETE FROM baseline_entries')
    const again = loadBaseline(t.stores, t.engine, BASELINE_DIR, t.clock)
    expect(again.applied).toBe(dataset.entries.length)
    expect(again.result!.events.map((e) => `${e.type} ${e.jurisdiction} ${e.subject}`)).toEqual([])
  })

  it('records past transitions (a state banned since 2016 has its earlier legal row)', () => {
    const al = dataset.entries.filter((e) => e.jurisdiction === 'US-AL' && e.subject === 'kratom')
    expect(al.map((e) => e.status)).toEqual(['legal', 'banned'])
    expect(
      dataset.entries.filter((e) => e.jurisdiction === 'TH' && e.subject === 'kratom').length,
    ).toBeGreaterThanOrEqual(3)
  })

  it('locates counties and cities from public datasets: a county by its Census FIPS code within its state', () => {
    const located = dataset.jurisdictions.filter((j) => j.location)
    expect(located.length / dataset.jurisdictions.length).toBeGreaterThan(0.9)
    for (const place of located) {
      const { lat, lon, source } = place.location!
      expect(source, place.code).toMatch(/us-atlas|cities\.json/)
      if (place.code.startsWith('US-')) {
        expect(lat > 18 && lat < 72 && lon > -180 && lon < -64, `${place.code} ${lat},${lon}`).toBe(true)
        if (place.level === 'county')
          expect(place.fips?.slice(0, 2), place.code).toBe(USPS_TO_FIPS[place.code.split('-')[1]!])
      }
    }
  })

  it('declares San Diego under California', () => {
    expect(dataset.jurisdictions.find((j) => j.code === 'US-CA-SAN-DIEGO')).toMatchObject({
      level: 'city',
      parent: 'US-CA',
    })
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
    expect(views.effective('US-CA-SAN-DIEGO', 'kratom')).toMatchObject({
      status: 'banned',
      decided_by: 'US-CA-SAN-DIEGO',
    })
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
    const file = join(dir, 'us', 'us-al.json')
    const data = JSON.parse(readFileSync(file, 'utf8'))
    const entry = data.entries.findLast(
      (e: { jurisdiction: string; subject: string }) => e.jurisdiction === 'US-AL' && e.subject === 'kratom',
    )
    entry.citation = `${entry.citation} (renumbered in a test)`
    writeFileSync(file, JSON.stringify(data))
    const reload = loadBaseline(t.stores, t.engine, dir, t.clock)
    expect(reload.applied).toBe(1)
    // A citation reworded is description, not a change in the law: refreshed in place, recorded as details_updated.
    expect(reload.result!.events).toMatchObject([
      { type: 'status.details_updated', jurisdiction: 'US-AL', changed_fields: ['citation'] },
    ])
    expect(reload.result!.confirmed).toBe(1)
    expect(t.stores.timeline.rows('US-AL', 'kratom').at(-1)!.citation).toMatch(/renumbered in a test/)
    entry.min_age = 21
    entry.status = 'regulated'
    writeFileSync(file, JSON.stringify(data))
    const edited = loadBaseline(t.stores, t.engine, dir, t.clock)
    expect(edited.result!.events[0]).toMatchObject({
      type: 'status.corrected',
      jurisdiction: 'US-AL',
      changed_fields: ['status', 'min_age'],
    })
  })

  it('refuses a malformed dataset naming the file and field, loading nothing', () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ jurisdictions: [], entries: [{ jurisdiction: 'US-AL', subject: 'kratom', status: 'maybe' }] }),
    )
    const t = testDb()
    expect(() => loadBaseline(t.stores, t.engine, dir, t.clock)).toThrow(DatasetError)
    expect(() => loadBaseline(t.stores, t.engine, dir, t.clock)).toThrow(/bad\.json: entries\.0\.status/)
    expect(t.stores.events.lastId()).toBe(0)
  })
})

describe('dataset entry rules', () => {
  const base = {
    jurisdiction: 'DE',
    subject: 'kratom',
    status: 'legal',
    min_age: null,
    conditions: [],
    citation: 'Not listed in the BtMG annexes',
    effective_date: null,
    summary: 'Kratom is not a controlled substance in Germany.',
    reviewed_on: '2026-11-30',
  }
  const shop = { url: 'https://kratom-shop.example/legal', kind: 'commercial' }
  const gazette = { url: 'https://www.gesetze-im-internet.de/btmg_1981/anlage_i.html', kind: 'official' }

  it.each([
    [
      'a high row with only a seller',
      { ...base, confidence: 'high', sources: [shop] },
      /confidence: "high" needs an official source/,
    ],
    [
      'a medium row with only a seller',
      { ...base, confidence: 'medium', sources: [shop] },
      /only on commercial sources/,
    ],
    ['a known status with no source', { ...base, confidence: 'low', sources: [] }, /needs at least one source/],
    [
      'an unknown without a research note',
      { ...base, status: 'unknown', confidence: 'low', sources: [] },
      /research note/,
    ],
  ])('refuses %s', (_name, entry, message) => {
    const parsed = DatasetEntry.safeParse(entry)
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toMatch(message)
  })

  it('accepts a high row with the official text, and a researched unknown', () => {
    expect(DatasetEntry.safeParse({ ...base, confidence: 'high', sources: [gazette, shop] }).success).toBe(true)
    expect(
      DatasetEntry.safeParse({
        ...base,
        status: 'unknown',
        confidence: 'low',
        sources: [],
        note: 'Searched 2026-11-30: the national narcotics schedules; nothing found.',
      }).success,
    ).toBe(true)
  })

  it('makes the loader refuse a file with a high row resting on a seller, loading nothing', () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'de.json'),
      JSON.stringify({ jurisdictions: [], entries: [{ ...base, confidence: 'high', sources: [shop] }] }),
    )
    const t = testDb()
    expect(() => loadBaseline(t.stores, t.engine, dir, t.clock)).toThrow(
      /de\.json: entries\.0\.confidence: "high" needs an official source/,
    )
    expect(t.stores.events.lastId()).toBe(0)
  })
})
