import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper, { enactment } from './us-sc-code-44-53.js'

// Facts checked by a person (as for us-sc-legislature-s221): the South Carolina Kratom Consumer
// Protection Act, S. 221 (2025), Act No. 35, in effect on the Governor's signature on 2025-05-12;
// no sale under twenty-one, no fully synthetic 7-OH. The fixture is a SYNTHETIC excerpt (see its sidecar).
describe('us-sc-code-44-53', () => {
  it('reads Article 20 from the code chapter: regulated, 21+, in effect 2025-05-12, cited to the Code', async () => {
    const run = await scrapeFixture(scraper, 'chapter-53-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({
      status: 'regulated',
      min_age: 21,
      effective_date: '2025-05-12',
      source_url: 'https://www.scstatehouse.gov/code/t44c053.php',
      citation:
        'S.C. Code §§ 44-53-2010 to -2040 (South Carolina Kratom Consumer Protection Act, S. 221, Act No. 35 of 2025)',
      conditions: [
        'no sale under 21',
        'kept inaccessible to under-21s',
        'labeling required',
        'no fully synthetic alkaloids',
        'residual solvents within USP 467',
      ],
    })
    expect(run.observations.find((o) => o.kind === 'status' && o.subject === '7-oh')).toMatchObject({
      status: 'restricted',
      citation: 'S.C. Code § 44-53-2020(A)(2)(c) (S. 221, Act No. 35 of 2025)',
    })
  })

  it('says the same as the S. 221 bill-page scraper, so the two primary sources confirm each other', async () => {
    const { default: bill } = await import('./us-sc-legislature-s221.js')
    const [code, page] = await Promise.all([
      scrapeFixture(scraper, 'chapter-53-2026-11'),
      scrapeFixture(bill, 'bill-221-2026-11'),
    ])
    const material = (o: (typeof code.observations)[number]) =>
      o.kind === 'status' ? [o.subject, o.status, o.min_age, [...o.conditions].sort(), o.effective_date] : null
    expect(code.observations.map(material)).toEqual(page.observations.map(material))
  })

  it('sends a Schedule I listing of a kratom alkaloid to a person (degraded), never a guessed status', async () => {
    const run = await scrapeFixture(scraper, 'schedule-i-lists-7-oh.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/44-53-190 \(Schedule I\) now names a kratom alkaloid/)
  })

  it('reads the act and date from the SC Code history line, and refuses another form', () => {
    expect(enactment('HISTORY: 2025 Act No. 35 (S.221), Section 1, eff May 12, 2025.')).toEqual({
      year: '2025',
      act: '35',
      effective: '2025-05-12',
    })
    expect(() => enactment(null)).toThrow(/history line/)
  })
})
