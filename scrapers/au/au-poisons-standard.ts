import { defineScraper, expectMatch, LayoutChangedError, type StatusObservationInput } from '#sdk'

/** Federal Register of Legislation (legislation.gov.au): the Poisons Standard (SUSMP), Schedule 9 entries for Mitragyna speciosa and mitragynine. */

// 2026-11: the Poisons Standard is remade as a new instrument every few months (F2024L00589 June
// 2024, F2024L01228 October 2024, F2025L00049 February 2025, per legislation.gov.au). The PDF path
// follows the register's "/<id>/asmade/<date>/text/original/pdf" download pattern (◇ not checked
// live). When a newer instrument repeals this one, update the id (the title check below fails
// loudly if the URL starts serving something else).
const INSTRUMENT = 'F2025L00049'
const PDF_URL = `https://www.legislation.gov.au/${INSTRUMENT}/asmade/2025-01-28/text/original/pdf`
const PAGE_URL = `https://www.legislation.gov.au/${INSTRUMENT}/latest/text`
// The PDF does not say since when an entry stands. Mitragynine (Oct 2003) and the plant (Feb 2004)
// were added by the NDPSC; its secretariat gave 2004-09-01 as the date of effect through State and
// Territory law (NDPSC meeting 40/41 minutes, erowid.org/plants/kratom/kratom_law1.shtml, read 2026-11-25).
const LISTED_SINCE = '2004-09-01'

/** The Schedule 9 part of the extracted text: from the "Schedule 9" heading to the next schedule or appendix heading. */
export function schedule9(text: string): string {
  const start = /^Schedule 9\s*$/m.exec(text)
  if (!start)
    throw new LayoutChangedError(
      'no "Schedule 9" heading in the Poisons Standard text; the PDF layout or the instrument changed.',
    )
  const rest = text.slice(start.index + start[0].length)
  const end = /^(Schedule 10|Appendix [A-Z])\b/m.exec(rest)
  return end ? rest.slice(0, end.index) : rest
}

export default defineScraper({
  id: 'au-poisons-standard',
  title: 'Poisons Standard (SUSMP) Schedule 9 via the Federal Register of Legislation, Australia',
  jurisdictions: ['AU'],
  trust: 'primary',
  // Weekly, Monday 03:30 UTC: the Standard changes a few times a year. Chosen 2026-11.
  schedule: '30 3 * * 1',
  parserVersion: '1',
  sources: { standard: { kind: 'pdf', url: PDF_URL } },
  parse({ standard }) {
    const title = expectMatch(
      standard.text,
      /Therapeutic Goods \(Poisons Standard\s*[—–-]\s*([A-Z][a-z]+ \d{4})\) Instrument (\d{4})/,
      'instrument title',
    )
    const s9 = schedule9(standard.text)
    // Schedule 9 is "Prohibited Substance": a heading without its entries is a broken extraction, not a delisting.
    expectMatch(s9, /Prohibited Substance/i, 'Schedule 9 "Prohibited Substance" description')
    if (!/^[A-Z0-9][A-Z0-9 ,()-]+\.$/m.test(s9))
      throw new LayoutChangedError('Schedule 9 has no entries in the extracted text; the PDF layout changed.')
    const plant = /^MITRAGYNA SPECIOSA\.?$/m.exec(s9)
    const alkaloid = /^MITRAGYNINE\.?$/m.exec(s9)
    // Stable across the Standard's frequent remakes: the instrument goes into the evidence, not the
    // citation, or every new instrument would read as a change of the law (2026-11).
    const citation = `Poisons Standard (SUSMP), Schedule 9: ${[plant && 'Mitragyna speciosa', alkaloid && 'mitragynine'].filter(Boolean).join('; ')}`
    const instrument = `Therapeutic Goods (Poisons Standard—${title[1]}) Instrument ${title[2]}`
    const observations: StatusObservationInput[] = []
    if (plant || alkaloid) {
      const base = {
        kind: 'status' as const,
        jurisdiction: 'AU',
        status: 'banned' as const,
        citation,
        source_url: PAGE_URL,
        effective_date: LISTED_SINCE,
        evidence: {
          text: `${instrument}, Schedule 9: ${[plant?.[0], alkaloid?.[0]].filter(Boolean).join(' ')}`,
          selector: 'Schedule 9',
        },
      }
      observations.push({
        ...base,
        subject: 'kratom',
        confidence: 'high',
        summary:
          'Kratom (Mitragyna speciosa) and mitragynine are Schedule 9 prohibited substances in Australia: manufacture, possession, sale and use are prohibited except for approved research.',
      })
      // 7-OH is not named in Schedule 9; it is read as covered because the plant and mitragynine
      // (and preparations of them) are, so this is an inference and says so (medium confidence).
      observations.push({
        ...base,
        subject: '7-oh',
        confidence: 'medium',
        summary:
          'Products from kratom, including 7-OH products, fall under the Schedule 9 entries for Mitragyna speciosa and mitragynine; 7-hydroxymitragynine is not named separately.',
      })
    } else {
      // Schedule present, entries gone: not proof of a delisting (STYLE.md), so "unknown", low confidence, for review.
      observations.push({
        kind: 'status',
        jurisdiction: 'AU',
        subject: 'kratom',
        status: 'unknown',
        citation: `Poisons Standard, Schedule 9, Instrument ${title[2]} (no Mitragyna entry found)`,
        source_url: PAGE_URL,
        confidence: 'low',
        summary:
          'The Schedule 9 list was read but no Mitragyna speciosa or mitragynine entry was found; a maintainer must check whether kratom was rescheduled.',
      })
    }
    return observations
  },
})
