import { describe, expect, it } from 'vitest'
import { Observation } from '../domain/index.js'
import { testDb } from '../../tests/helpers/db.js'
import { checkLine, formatCheck, wouldChange } from './live-check.js'

const measure = (stage: string): Observation =>
  Observation.parse({
    kind: 'measure',
    id: 'US-LA/2025/SB154',
    jurisdiction: 'US-LA',
    title: 'Kratom',
    stage,
    url: 'https://legis.la.gov/x',
    last_action: 'Signed',
    last_action_date: '2025-06-04',
    effective_date: null,
    proposed_effect: { subject: 'kratom', status: 'banned' },
    source_url: 'https://legis.la.gov/x',
  })
const status = (minAge: number): Observation =>
  Observation.parse({
    kind: 'status',
    jurisdiction: 'US-TX',
    subject: 'kratom',
    status: 'regulated',
    min_age: minAge,
    conditions: [],
    citation: 'Tex. Health & Safety Code ch. 444',
    effective_date: '2023-09-01',
    source_url: 'https://statutes.capitol.texas.gov/Docs/HS/htm/HS.444.htm',
    confidence: 'high',
  })

describe('live check', () => {
  it('reports a new status and a new measure as would-change, then nothing once they are stored', () => {
    const t = testDb()
    const source = { id: 'us-test-scraper', trust: 'primary' as const }
    const first = wouldChange(t.stores, [status(18), measure('enacted')], source, '2026-11-30')
    expect(first).toEqual([
      {
        what: 'US-TX kratom from 2023-09-01',
        before: '(nothing recorded)',
        after: 'regulated 18+',
        fields: ['status', 'min_age', 'conditions', 'preempts_local'],
        held: false,
      },
      {
        what: 'measure US-LA/2025/SB154',
        before: '(not recorded)',
        after: 'enacted (2025-06-04), kratom banned',
        fields: expect.arrayContaining(['stage']),
        held: false,
      },
    ])
    t.engine.apply({
      source_id: source.id,
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [status(18), measure('enacted')],
    })
    expect(wouldChange(t.stores, [status(18), measure('enacted')], source, '2026-11-30')).toEqual([])
    const changed = wouldChange(t.stores, [status(21)], source, '2026-11-30')
    expect(changed).toMatchObject([{ before: 'regulated 18+', after: 'regulated 21+', fields: ['min_age'] }])
    // A secondary source's disagreement is held, and says so.
    expect(wouldChange(t.stores, [status(21)], { id: 'us-other', trust: 'secondary' }, '2026-11-30')).toMatchObject([
      { held: true, fields: ['min_age'] },
    ])
  })

  it('prints one verdict per scraper and a total that says nothing was written', () => {
    const t = testDb()
    const lines = formatCheck([
      checkLine(t.stores, { id: 'us-a-b', trust: 'primary' }, null, 'needs LEGISCAN_API_KEY', '2026-11-30'),
      {
        scraper_id: 'us-c-d',
        outcome: 'degraded',
        reason: 'structure',
        error: 'no table',
        observations: 0,
        changes: [],
      },
    ])
    expect(lines).toEqual([
      'disabled      us-a-b: needs LEGISCAN_API_KEY',
      'degraded      us-c-d: structure: no table',
      '',
      '2 scrapers: 0 ok, 0 would change, 1 degraded or failed, 1 disabled. Nothing was written.',
    ])
  })
})
