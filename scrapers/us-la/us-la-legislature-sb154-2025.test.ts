import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper, { readCurrentStatus } from './us-la-legislature-sb154-2025.js'

// Facts checked by a person: SB 154 of the 2025 Regular Session became Act 41 and criminalizes the
// possession and distribution of kratom from 2025-08-01 (digest "(8/1/25)"; Louisiana Department of
// Revenue notice and WRKF report of 2025-07-31). The fixture is SYNTHETIC (see the sidecar).
describe('us-la-legislature-sb154-2025', () => {
  it('reads kratom as banned from 2025-08-01 under Act 41', async () => {
    const run = await scrapeFixture(scraper, 'bill-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.observations).toEqual([
      expect.objectContaining({
        jurisdiction: 'US-LA',
        subject: 'kratom',
        status: 'banned',
        effective_date: '2025-08-01',
        citation: 'La. Acts 2025, No. 41 (SB 154), criminalizing possession and distribution of kratom',
      }),
    ])
  })

  it('comes out degraded when the digest it rests on is empty', async () => {
    const run = await scrapeFixture(scraper, 'summary-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  it('reads the real current-status wording, with "Current Status:" inside the label', () => {
    expect(readCurrentStatus('Current Status: Signed by the Governor. Becomes Act No. 41.')).toEqual({
      status: 'Signed by the Governor',
      act: '41',
      line: 'Signed by the Governor. Becomes Act No. 41.',
    })
    expect(readCurrentStatus('Became law without signature. Becomes Act No. 7')).toMatchObject({
      status: 'Became law without signature',
      act: '7',
    })
    expect(() => readCurrentStatus('Current Status: Pending Senate committee action')).toThrow(/Becomes Act No/)
  })
})
