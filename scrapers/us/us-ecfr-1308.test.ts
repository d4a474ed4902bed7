import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import { hasRealSources, realText } from '../../tests/helpers/real-sources.js'
import scraper, { listings, scheduleParagraphs, title21Date } from './us-ecfr-1308.js'

// Facts: on 2024-05-17 neither mitragynine nor 7-hydroxymitragynine was in 21 CFR 1308.11 (the 2016
// notice of intent was withdrawn, FR Doc. 2016-24659). The fixture is an abridged synthetic slice.
describe('us-ecfr-1308', () => {
  it('asks for the section as of title 21 up_to_date_as_of, and finds no kratom listing on 2024-05-17', async () => {
    const run = await scrapeFixture(scraper, 'section-1308.11-2024-05-17')
    expect(run.outcome, run.error ?? '').toBe('unchanged')
    expect(run.counts).toMatchObject({ documents: 2, followed: 1 })
    const urls = run.db.stores.runs.documents(run.run_id!).map((d) => d.url)
    expect(urls).toContain(
      'https://www.ecfr.gov/api/versioner/v1/full/2024-05-17/title-21.xml?part=1308&section=1308.11',
    )
    expect(run.observations).toEqual([])
  })

  it('comes out degraded when the answer is another section', async () => {
    const run = await scrapeFixture(scraper, 'layout-changed.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
  })

  it('comes out degraded, not "nothing listed", when the (b) table has no rows', async () => {
    const run = await scrapeFixture(scraper, 'empty-table.degraded')
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/1308\.11\(b\) lists no substances/)
  })

  it('reads substances from table rows, as the real section lists them', () => {
    const paragraphs = scheduleParagraphs(
      realish([['(1) Acetylmethadol', '9601']], [['(99) Mitragynine (HYPOTHETICAL)', '9999']]),
    )
    expect(paragraphs.filter((p) => p.number)).toEqual([
      { letter: 'b', number: '1', text: '(1) Acetylmethadol 9601' },
      { letter: 'c', number: '1', text: '(1) Acetorphine 9319' },
      { letter: 'd', number: '1', text: '(1) Bufotenine 7433' },
      { letter: 'h', number: '99', text: '(99) Mitragynine (HYPOTHETICAL) 9999' },
    ])
  })

  // HYPOTHETICAL (h) rows, not CFR text: a temporary listing of 7-OH alone bans 7-OH only; a
  // mitragynine row bans the leaf; a mitragynine pseudoindoxyl row is not a 7-OH listing.
  it('reads a temporary (h) table row of 7-hydroxymitragynine as a 7-OH ban, not a leaf ban', () => {
    const out = listings(
      realish([['(1) Acetylmethadol', '9601']], [['(99) 7-hydroxymitragynine (HYPOTHETICAL test entry)', '9999']]),
    )
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({
      subject: '7-oh',
      status: 'banned',
      citation: '21 CFR 1308.11(h)(99)',
      conditions: ['temporary listing (21 CFR 1308.11(h))'],
    })
  })

  it('does not read a mitragynine pseudoindoxyl row as a kratom or 7-OH listing', () => {
    expect(
      listings(realish([['(1) Acetylmethadol', '9601']], [['(98) Mitragynine pseudoindoxyl (HYPOTHETICAL)', '9998']])),
    ).toEqual([])
  })

  it('reads title 21 up_to_date_as_of and refuses an answer without it', () => {
    expect(title21Date({ titles: [{ number: 21, up_to_date_as_of: '2026-11-26' }] })).toBe('2026-11-26')
    expect(() => title21Date({ titles: [{ number: 3, up_to_date_as_of: '2026-11-26' }] })).toThrow(/no title 21/)
    expect(() => title21Date({ error: 'x' })).toThrow(/expected \{titles/)
  })
})

/** § 1308.11 in the real eCFR XML shape: lead-in <P>s, substances as gpotbl table rows. */
function realish(b: [string, string][], h: [string, string][]): string {
  const table = (rows: [string, string][]) =>
    `<DIV width="100%"><DIV class="gpotbl_div"><TABLE class="gpotbl_table"><TR><TH class="gpotbl_colhed" scope="col">Substance</TH><TH>Code</TH></TR>${rows.map(([n, c]) => `<TR><TD class="gpotbl_cell" scope="row">${n}</TD><TD class="gpotbl_cell">${c}</TD></TR>`).join('')}</TABLE></DIV></DIV>`
  return `<DIV8 N="1308.11" TYPE="SECTION"><HEAD>&#xA7; 1308.11 Schedule I.</HEAD>
<P>(a) Schedule I shall consist of the drugs and other substances listed in this section.</P>
<P>(b) <I>Opiates.</I> Unless specifically excepted:</P>${table(b)}
<P>(c) <I>Opium derivatives.</I> Unless specifically excepted:</P>${table([['(1) Acetorphine', '9319']])}
<P>(d) <I>Hallucinogenic substances.</I> Unless specifically excepted:</P>${table([['(1) Bufotenine', '7433']])}
<P>(h) <I>Temporary listing of substances subject to emergency scheduling.</I> Any material:</P>${table(h)}</DIV8>`
}

// REAL material: versioner `full` answers of the same endpoint for other titles (2024-05-17): a
// `?part=` slice (root <DIV5>) and a whole title (root <ECFR>). Neither holds § 1308.11, so the
// parse must refuse them as "another section" (degraded), never report "nothing listed".
describe.skipIf(!hasRealSources)('us-ecfr-1308 on real versioner XML (titles 1 and 3, 2024-05-17)', () => {
  it.each([
    'ecfr/ecfr-versioner-full-2024-05-17-title-3-part-101.xml',
    'ecfr/ecfr-versioner-full-2024-05-17-title-1-part-51.xml',
    'ecfr/ecfr-versioner-full-2024-05-17-title-3-whole.xml',
  ])('%s is refused as another section', (path) => {
    expect(() => listings(realText(path))).toThrow(/no <DIV8 N="1308\.11">/)
  })

  it('reads the <P> paragraphs of a real DIV8 section through the same extraction (template check)', () => {
    // The real part-101 slice with its § 101.1 renamed 1308.11: the HEAD check must then refuse it.
    const xml = realText('ecfr/ecfr-versioner-full-2024-05-17-title-3-part-101.xml').replace('N="101.1"', 'N="1308.11"')
    expect(() => scheduleParagraphs(xml)).toThrow(/§ 1308\.11 Schedule I\./)
  })
})
