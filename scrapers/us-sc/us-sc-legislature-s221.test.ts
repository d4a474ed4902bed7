import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realHtml } from '../../tests/helpers/real-sources.js'
import scraper, { actParagraphs } from './us-sc-legislature-s221.js'

// Facts checked by a person against the bill page of S. 221 (public copy, 2025-2026 session) and
// the enacted § 44-53-2020: Act No. 35 (ratification R53), signed 2025-05-12, effective on signing,
// no sale under twenty-one, no fully synthetic 7-OH. The fixture is SYNTHETIC (see its sidecar).
describe('us-sc-legislature-s221', () => {
  it('reads the act: regulated, 21+, effective on signing 2025-05-12, Act No. 35', async () => {
    const run = await scrapeFixture(scraper, 'bill-221-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({
      jurisdiction: 'US-SC',
      status: 'regulated',
      min_age: 21,
      effective_date: '2025-05-12',
      confidence: 'high',
    })
    expect(kratom?.kind === 'status' && kratom.citation).toBe(
      'S.C. Code §§ 44-53-2010 to -2040 (South Carolina Kratom Consumer Protection Act, S. 221, Act No. 35 of 2025)',
    )
    expect(kratom?.kind === 'status' && kratom.conditions).toEqual([
      'no sale under 21',
      'kept inaccessible to under-21s',
      'labeling required',
      'no fully synthetic alkaloids',
      'residual solvents within USP 467',
    ])
  })

  it('reads the 7-OH rule from § 44-53-2020(A)(2)(c): fully synthetic only, no percentage cap', async () => {
    const run = await scrapeFixture(scraper, 'bill-221-2026-11')
    const sevenOh = run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')
    expect(sevenOh).toMatchObject({
      status: 'restricted',
      min_age: 21,
      citation: 'S.C. Code § 44-53-2020(A)(2)(c) (S. 221, Act No. 35 of 2025)',
      conditions: ['no fully synthetic 7-OH'],
    })
  })

  it('comes out degraded, not "no law", when the act text is missing from the page', async () => {
    const run = await scrapeFixture(scraper, 'text-missing.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.db.stores.db.prepare('SELECT COUNT(*) FROM status_records').pluck().get()).toBe(0)
  })
})

// REAL material: SC General Assembly pages of another bill (S. 494, 2011; browser-saved,
// ISO-8859-1): the full-text page has the same template (status block, history <pre>, plain <p>
// act text after "Be it enacted"), the bill-information page does not.
describe.skipIf(!hasRealSources)('us-sc-legislature-s221 on real SC bill pages (S. 494, 2011)', () => {
  const fullText = () =>
    realHtml(
      'state-legislature/sc-scstatehouse-sess119-bill-494-fulltext-2011.htm',
      'https://www.scstatehouse.gov/sess119_2011-2012/bills/494.htm',
      'text/html; charset=ISO-8859-1',
    )

  it('reads the act text from plain <p> elements of the real template', async () => {
    const paragraphs = actParagraphs((await fullText()).$)
    expect(paragraphs).toHaveLength(3)
    expect(paragraphs[0]).toBe('SECTION 1. Chapter 15, Title 40 of the 1976 Code is amended by adding:')
    expect(paragraphs[1]).toMatch(
      /^Section 40-15-265\. An intern or a resident enrolled in an oral surgery training program/,
    )
    expect(paragraphs[2]).toBe('SECTION 2. This act takes effect upon approval by the Governor.')
  })

  it.each([
    ['sc-scstatehouse-sess119-bill-494-fulltext-2011.htm', /bill 221 title/],
    ['sess119-S0494-billinfo-2011.html', /bill 221 title/],
  ])('refuses the real page %s as another bill (degraded), never a status', async (file, reason) => {
    const doc = await realHtml(
      `state-legislature/${file}`,
      'https://www.scstatehouse.gov/',
      'text/html; charset=ISO-8859-1',
    )
    expect(() => scraper.parse({ bill: doc }, { today: '2026-11-30', followed: {} })).toThrow(reason)
  })

  it('has no act text on the real bill-information page', async () => {
    const doc = await realHtml(
      'state-legislature/sess119-S0494-billinfo-2011.html',
      'https://www.scstatehouse.gov/',
      'text/html; charset=ISO-8859-1',
    )
    expect(() => actParagraphs(doc.$)).toThrow(/Be it enacted/)
  })
})
