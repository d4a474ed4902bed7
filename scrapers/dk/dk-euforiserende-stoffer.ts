import { defineScraper, expectMatch, isoDate, text, type StatusObservationInput } from '#sdk'

/** Danish Ministry of Health (sum.dk): the 2009 decision adding kratom, mitragynine and 7-hydroxymitragynine to list B of the executive order on euphoriant substances. */

const PAGE_URL = 'https://sum.dk/Aktuelt/Nyheder/Forebyggelse/2009/Marts/Forbud_mod_euforiserende_plante.aspx'
// The press release names the plant and alkaloids but not the amending order; UNODC's legal-system
// page for Denmark names it: BEK nr 174 af 10/03/2009 (checked 2026-11-25).
// Worded as the curated baseline words it (2026-11), so a first run confirms instead of "correcting" the citation.
const ORDER =
  'Bekendtgørelse om euforiserende stoffer, list B, as amended by BEK nr 174 af 10/03/2009 (kratom, mitragynine, 7-hydroxymitragynine)'

export default defineScraper({
  id: 'dk-euforiserende-stoffer',
  title: 'Danish Ministry of Health press release on the kratom ban (bekendtgørelse om euforiserende stoffer, liste B)',
  jurisdictions: ['DK'],
  trust: 'primary',
  // Weekly, Tuesday 04:15 UTC: an archived 2009 page that only needs to keep saying the same. Chosen 2026-11.
  schedule: '15 4 * * 2',
  parserVersion: '1',
  sources: { release: { kind: 'html', url: PAGE_URL } },
  parse({ release }) {
    const body = text(release.$('body'))
    // The operative sentence: the plant and its constituents may henceforth be used only for medical and scientific purposes.
    const rule = expectMatch(
      body,
      /Forbuddet betyder, at planten kratom og dens indholdsstoffer 7-hydroxymitragynin og mitragynin[^.]*?kun må anvendes i medicinsk og videnskabeligt øjemed\./,
      'sentence on kratom, 7-hydroxymitragynin and mitragynin (medical and scientific use only)',
    )
    expectMatch(body, /besluttet at forbyde den euforiserende plante kratom/, "minister's decision to ban kratom")
    const date = isoDate(
      expectMatch(body, /\b(\d{2})-(\d{2})-(\d{4})\b/, 'release date (dd-mm-yyyy)')
        .slice(1)
        .reverse()
        .join('-'),
    )
    const base = {
      kind: 'status' as const,
      jurisdiction: 'DK',
      status: 'banned' as const,
      // "Medical and scientific use only" is what Schedule/list B control means; it is in the summary, not a condition.
      conditions: [],
      citation: ORDER,
      effective_date: date,
      source_url: PAGE_URL,
      confidence: 'high' as const,
      evidence: { text: rule[0] },
    }
    const out: StatusObservationInput[] = [
      {
        ...base,
        subject: 'kratom',
        summary:
          'Denmark banned the plant kratom in March 2009: it may be used only for medical and scientific purposes; all other possession and sale is illegal.',
      },
      {
        ...base,
        subject: '7-oh',
        summary:
          '7-hydroxymitragynine is named in the 2009 Danish ban: it may be used only for medical and scientific purposes.',
      },
    ]
    return out
  },
})
