import { defineScraper, LayoutChangedError, text, type StatusObservationInput } from '#sdk'

/** English Wikipedia (MediaWiki action API): the "Regulation" section of the article Mitragyna speciosa (kratom) — a secondary source. */

// Secondary: every difference from primary or curated data goes to the review queue (diff engine),
// never to the timeline. formatversion=1 keeps the wikitext at revisions[0]["*"], the envelope of
// real-sources/mediawiki (2010, 2018). "Kratom" redirects to this title (redirects=1 follows it).
const API_URL =
  'https://en.wikipedia.org/w/api.php?action=query&format=json&prop=revisions&rvprop=content%7Ctimestamp&titles=Mitragyna_speciosa&redirects=1'
const ARTICLE_URL = 'https://en.wikipedia.org/wiki/Mitragyna_speciosa'

const COUNTRIES: Record<string, string> = {
  Australia: 'AU',
  'New Zealand': 'NZ',
  Denmark: 'DK',
  Latvia: 'LV',
  Lithuania: 'LT',
  Poland: 'PL',
  Romania: 'RO',
  Sweden: 'SE',
  Bulgaria: 'BG',
  Norway: 'NO',
  'Czech Republic': 'CZ',
  Finland: 'FI',
  Ireland: 'IE',
  'United Kingdom': 'GB',
  Japan: 'JP',
  Malaysia: 'MY',
  Thailand: 'TH',
  Chile: 'CL',
  Argentina: 'AR',
}

type Status = 'legal' | 'regulated' | 'restricted' | 'banned'
interface Claim {
  country: string
  status: Status
  sentence: string
  heading: string
}

/** Wikitext to plain sentences: refs, templates, comments and link markup removed. */
export function plainWikitext(wikitext: string): string {
  return wikitext
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<ref[^>]*\/>/g, '')
    .replace(/<ref[^>]*>[\s\S]*?<\/ref>/g, '')
    .replace(/\{\{[^{}]*\}\}/g, '')
    .replace(/\[\[(?:[^|\]]*\|)?([^\]]+)\]\]/g, '$1')
    .replace(/'''?/g, '')
}

/** The level-3 subsections of the "Regulation" (or "Legal status"/"Legality") section, by heading. */
export function regulationSections(wikitext: string): Map<string, string> {
  const plain = plainWikitext(wikitext)
  const top = /^==\s*(Regulation|Legal status|Legality)\s*==\s*$/m.exec(plain)
  if (!top)
    throw new LayoutChangedError(
      'no "== Regulation ==" (or Legal status/Legality) section in the article; the article was restructured.',
    )
  const rest = plain.slice(top.index + top[0].length)
  const end = /^==[^=].*==\s*$/m.exec(rest)
  const body = end ? rest.slice(0, end.index) : rest
  const out = new Map<string, string>()
  let heading = '(intro)'
  for (const line of body.split('\n')) {
    const h = /^===+\s*(.+?)\s*===+\s*$/.exec(line)
    if (h) heading = h[1]!
    else if (line.trim()) out.set(heading, `${out.get(heading) ?? ''} ${line.trim()}`.trim())
  }
  return out
}

// Each rule: a sentence form the article uses (seen 2025-2026) and what it claims. Forms not listed
// are ignored; if too few match, the section changed shape and the run is degraded.
const RULES: { re: RegExp; claims: (m: RegExpExecArray) => [string, Status][] }[] = [
  { re: /Mitragyna speciosa is a prohibited substance in Australia\./, claims: () => [['Australia', 'banned']] },
  {
    re: /In New Zealand, Mitragyna speciosa is designated a prescription medicine[^.]*\./,
    claims: () => [['New Zealand', 'restricted']],
  },
  {
    re: /As of \d{4}, the plant was controlled in ([^.]+)\./,
    claims: (m) => m[1]!.split(/,\s*(?:and\s+)?|\s+and\s+/).map((c) => [c.trim(), 'banned']),
  },
  {
    re: /In ([A-Z][a-z]+) and ([A-Z][a-z]+), kratom is a controlled substance\./,
    claims: (m) => [
      [m[1]!, 'banned'],
      [m[2]!, 'banned'],
    ],
  },
  {
    re: /In the Czech Republic, regulated sales of kratom[^.]*became legal[^.]*\./,
    claims: () => [['Czech Republic', 'regulated']],
  },
  {
    re: /In Finland, scheduled in the "government decree on psychoactive substances banned from the consumer market"\./,
    claims: () => [['Finland', 'restricted']],
  },
  {
    re: /Republic of Ireland in \d{4}, kratom was designated a Schedule 1 illegal drug[^.]*\./,
    claims: () => [['Ireland', 'banned']],
  },
  {
    re: /In the UK, the sale, import, and export of kratom is prohibited under the Psychoactive Substances Act 2016[^.]*\./,
    claims: () => [['United Kingdom', 'restricted']],
  },
  {
    re: /Kratom is classified as a designated drug, and its manufacture, import, possession, and use, are illegal\./,
    claims: () => [['Japan', 'banned']],
  },
  {
    re: /prohibited to use, import, export[^.]*in Malaysia under Section 30\(3\) of the Poisons Act 1952[^.]*\./,
    claims: () => [['Malaysia', 'banned']],
  },
  { re: /In \d{4}, Thailand fully legalized kratom[^.]*\./, claims: () => [['Thailand', 'legal']] },
  { re: /(Chile|Argentina) banned Kratom in \d{4}\./g, claims: (m) => [[m[1]!, 'banned']] },
]

/** Every claim the section makes in a sentence form this scraper knows. */
export function claims(wikitext: string): Claim[] {
  const out: Claim[] = []
  for (const [heading, body] of regulationSections(wikitext)) {
    for (const rule of RULES) {
      const re = new RegExp(rule.re.source, 'g')
      for (const m of body.matchAll(re)) {
        for (const [country, status] of rule.claims(m as RegExpExecArray))
          out.push({ country, status, sentence: m[0], heading })
      }
    }
  }
  return out
}

export default defineScraper({
  id: 'wikipedia-kratom-legality',
  title: 'English Wikipedia, "Mitragyna speciosa" § Regulation (MediaWiki API) — secondary',
  jurisdictions: Object.values(COUNTRIES),
  trust: 'secondary',
  // Daily 05:50 UTC, one request: well inside Wikimedia's API etiquette (serial requests, UA set by the framework). Chosen 2026-11.
  schedule: '50 5 * * *',
  parserVersion: '1',
  sources: { article: { kind: 'json', url: API_URL } },
  parse({ article }) {
    const pages = (
      article.json as {
        query?: { pages?: Record<string, { title?: string; missing?: string; revisions?: Record<string, string>[] }> }
      }
    )?.query?.pages
    const page = pages ? Object.values(pages)[0] : undefined
    const wikitext = page?.revisions?.[0]?.['*']
    if (!page || page.missing !== undefined || typeof wikitext !== 'string')
      throw new LayoutChangedError(
        'MediaWiki answer has no query.pages[…].revisions[0]["*"] wikitext; the page is missing or the API envelope changed.',
      )
    const found = claims(wikitext)
    // 2026-11: the section states about 19 countries; fewer than 5 recognised means its prose was rewritten.
    if (found.length < 5)
      throw new LayoutChangedError(
        `only ${found.length} recognisable country statements in the Regulation section; its wording changed. Update RULES in scrapers/intl/wikipedia-kratom-legality.ts.`,
      )
    const out: StatusObservationInput[] = []
    const seen = new Set<string>()
    for (const c of found) {
      const code = COUNTRIES[c.country]
      if (!code || seen.has(code)) continue
      seen.add(code)
      out.push({
        kind: 'status',
        jurisdiction: code,
        subject: 'kratom',
        status: c.status,
        citation: `Wikipedia, "${page.title ?? 'Mitragyna speciosa'}" § Regulation — ${c.heading}`,
        summary: text(c.sentence),
        source_url: ARTICLE_URL,
        confidence: 'low',
        evidence: { text: text(c.sentence), selector: `== Regulation == / === ${c.heading} ===` },
      })
    }
    return out
  },
})
