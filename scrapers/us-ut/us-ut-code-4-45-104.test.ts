import { readFileSync } from 'node:fs'
import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { itWithBrowser } from '../../tests/helpers/chromium.js'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './us-ut-code-4-45-104.js'

// Facts checked by a person against the current text of Utah Code § 4-45-104 (2026 version,
// effective 5/6/2026): only pure leaf kratom may be prepared, possessed or sold; violations are a
// class B, then class A misdemeanor, then a third degree felony. The page needs JavaScript, so this
// runs through real Chromium. The fixture is SYNTHETIC (see the sidecar).
describe('us-ut-code-4-45-104', () => {
  itWithBrowser('reads 7-OH products as banned from 2026-05-06 (pure leaf kratom only)', async () => {
    const run = await scrapeFixture(scraper, 'section-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.observations).toHaveLength(1)
    expect(run.observations[0]).toMatchObject({
      jurisdiction: 'US-UT',
      subject: '7-oh',
      status: 'banned',
      effective_date: '2026-05-06',
      citation: 'Utah Code § 4-45-104(1)-(2)',
      confidence: 'high',
    })
    expect(run.observations[0]?.kind === 'status' && run.observations[0].conditions).toContain(
      'until 2027-03-06, processors may make other products not offered for sale in Utah (§ 4-45-104(5))',
    )
  })

  it('needs the browser: the served HTML holds no section text before scripts run', () => {
    const $ = load(
      readFileSync(new URL('../../fixtures/us-ut-code-4-45-104/section-2026-11.html', import.meta.url), 'utf8'),
    )
    expect($('#secdiv #sec').length).toBe(0)
    expect($('#secdiv').text().trim()).toBe('Loading...')
  })

  itWithBrowser('comes out degraded when the script inserts no section text', async () => {
    const run = await scrapeFixture(scraper, 'version-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })
})
