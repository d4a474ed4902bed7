import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-oh-admin-code-4729-9-1-01-1.js'

// Facts checked by a person against the rule text of Ohio Adm. Code 4729:9-1-01.1 (public copy,
// last updated 2025-12-16): 7-hydroxymitragynine is schedule I under an emergency filing, mitragynine
// itself is excluded. The fixture is SYNTHETIC; its "Effective:" line is reconstructed (see sidecar).
describe('us-oh-admin-code-4729-9-1-01-1', () => {
  it('reads 7-OH as schedule I (banned), emergency rule effective 2025-12-12', async () => {
    const run = await scrapeFixture(scraper, 'rule-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.observations).toHaveLength(1)
    expect(run.observations[0]).toMatchObject({
      jurisdiction: 'US-OH',
      subject: '7-oh',
      status: 'banned',
      effective_date: '2025-12-12',
      citation: 'Ohio Adm. Code 4729:9-1-01.1 (emergency filing)',
      confidence: 'high',
    })
  })

  it('says nothing about the kratom leaf: mitragynine is excluded by (A)(4)', async () => {
    const run = await scrapeFixture(scraper, 'rule-2026-11')
    expect(run.observations.some((o) => o.kind === 'status' && o.subject === 'kratom')).toBe(false)
    expect(run.observations[0]?.kind === 'status' && run.observations[0].conditions).toContain(
      'mitragynine (kratom leaf) excluded',
    )
  })

  it('comes out degraded when the schedule I text is gone, instead of reading a repeal', async () => {
    const run = await scrapeFixture(scraper, 'rule-text-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
