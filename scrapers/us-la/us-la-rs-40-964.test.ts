import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper, { enactment, schedules, sectionPage } from './us-la-rs-40-964.js'

// Facts checked by a person: Act 41 of the 2025 Regular Session (SB 154, Sen. Jay Morris) put
// mitragynine and 7-hydroxymitragynine in Schedule I of the Uniform Controlled Dangerous Substances
// Law, R.S. 40:964, in force 2025-08-01 (digest "(8/1/25)"; WRKF 2025-07-31; Red River Radio
// 2025-08-04). Schedule I (G) "Miscellaneous" is where Act 231 of 2019 (HB 452) had enacted the two
// entries. The fixture is SYNTHETIC, built to the real Law.aspx template (see its sidecar).
describe('us-la-rs-40-964', () => {
  it('reads kratom and 7-OH as Schedule I since 2025-08-01, cited to R.S. 40:964 (Schedule I)(G)', async () => {
    const run = await scrapeFixture(scraper, 'section-2026-11')
    expect(run.outcome, run.error ?? '').toBe('changed')
    expect(run.observations).toEqual([
      expect.objectContaining({
        jurisdiction: 'US-LA',
        subject: 'kratom',
        status: 'banned',
        effective_date: '2025-08-01',
        citation: 'La. R.S. 40:964 (Schedule I)(G)(1) (mitragynine; Act No. 41 of 2025, SB 154)',
        source_url: 'https://legis.la.gov/Legis/Law.aspx?d=98877',
      }),
      expect.objectContaining({
        jurisdiction: 'US-LA',
        subject: '7-oh',
        status: 'banned',
        effective_date: '2025-08-01',
        citation: 'La. R.S. 40:964 (Schedule I)(G)(2) (7-hydroxymitragynine; Act No. 41 of 2025, SB 154)',
      }),
    ])
  })

  it('says the same as the SB 154 bill-page scraper it replaces (banned from 2025-08-01)', async () => {
    // What us-la-legislature-sb154-2025 recorded (its reviewed expected.json, retired 2026-11-30).
    const run = await scrapeFixture(scraper, 'section-2026-11')
    const kratom = run.observations.find((o) => o.kind === 'status' && o.subject === 'kratom')
    expect(kratom).toMatchObject({ status: 'banned', effective_date: '2025-08-01', min_age: null, conditions: [] })
  })

  it('refuses a page that is another section (the document id moved), degraded', async () => {
    const run = await scrapeFixture(scraper, 'wrong-section.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/is "RS 40:963", not "RS 40:964"/)
  })

  it('sends a removed listing to a person (degraded), never "no longer banned"', async () => {
    const run = await scrapeFixture(scraper, 'listings-removed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/lists mitragynine 0 times/)
  })
})

describe('us-la-rs-40-964 parsing', () => {
  // The two body markups of Law.aspx seen on real pages (bitwulf/Usufruct, recorded 2026): R.S. 14:30
  // in div#WPMainDoc with styled <p>, R.S. 1:1 as <P class=A000n> straight in the span. The markup
  // below is built to the second; the words are not a capture.
  const page = (label: string, paragraphs: string[]) => ({
    kind: 'html' as const,
    url: 'https://legis.la.gov/Legis/Law.aspx?d=98877',
    html: '',
    $: load(
      `<span id="ctl00_PageBody_LabelName" class="title">${label}</span><span id="ctl00_PageBody_LabelDocument">${paragraphs
        .map((p) => `<P class=A0004 align=justify>${p}</P>`)
        .join('\n')}</span>`,
    ),
  })
  const parse = (doc: ReturnType<typeof page>) => scraper.parse({ section: doc }, { today: '2026-11-30', followed: {} })
  const section = (...extra: string[]) => [
    '&#167;964. &nbsp;Composition of schedules',
    'SCHEDULE I',
    'G. &nbsp;Miscellaneous. &nbsp;Unless specifically excepted …:',
    '(1) &nbsp;Mitragynine',
    '(2) &nbsp;7-Hydroxy-mitragynine',
    'SCHEDULE II',
    ...extra,
    'Added by Acts 1972, No. 634, &#167;1; Acts 2025, No. 41, &#167;1.',
  ]

  it('reads the older <P class=A000n> body the same way (entries, subsection, history)', () => {
    const { entries, history } = schedules(sectionPage(page('RS 40:964', section())))
    expect(entries).toEqual([
      { schedule: 'I', subsection: 'G', heading: 'Miscellaneous', number: '1', name: 'Mitragynine' },
      { schedule: 'I', subsection: 'G', heading: 'Miscellaneous', number: '2', name: '7-Hydroxy-mitragynine' },
    ])
    expect(history).toBe('Added by Acts 1972, No. 634, §1; Acts 2025, No. 41, §1.')
  })

  it('takes the act\'s own "eff." date, else August 1 of a regular session (La. Const. art. III, §19)', () => {
    expect(enactment('Added by Acts 1972, No. 634, §1; Acts 2025, No. 41, §1.')).toBe('2025-08-01')
    expect(enactment('Acts 2025, No. 41, §1, eff. June 4, 2025; Acts 2026, No. 9, §2.')).toBe('2025-06-04')
    // An extraordinary-session act of the same number is another act.
    expect(() => enactment('Acts 2025, 1st Ex. Sess., No. 41, §1.')).toThrow(/Acts 2025, No\. 41/)
  })

  it('sends a kratom listing in another schedule, or a new alkaloid, to a person', () => {
    const elsewhere = page('RS 40:964', section('(3) &nbsp;Mitragynine pseudoindoxyl'))
    expect(() => parse(elsewhere)).toThrow(/\(Schedule II\)\(\?\)\(3\) now lists "Mitragynine pseudoindoxyl"/)
  })

  it("sends an editor's note about the entries to a person", () => {
    const withNote = page('RS 40:964', [
      ...section(),
      'NOTE: See Acts 2019, No. 231, §7, regarding the effectiveness of (Schedule I)(G).',
    ])
    expect(() => parse(withNote)).toThrow(/carries a note on the kratom entries/)
  })

  it('refuses a page without "SCHEDULE II" after Schedule I (truncated page)', () => {
    const truncated = section().filter((p) => p !== 'SCHEDULE II')
    expect(() => schedules(sectionPage(page('RS 40:964', truncated)))).toThrow(/expected "SCHEDULE I"/)
  })
})
