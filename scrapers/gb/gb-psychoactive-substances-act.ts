import { defineScraper, expectMatch, LayoutChangedError, text, type StatusObservationInput } from '#sdk'

/** legislation.gov.uk (The National Archives): Psychoactive Substances Act 2016, s. 5 (supply offence), as Crown Legislation Markup Language XML. */

// 2026-11: "/data.xml" after any legislation.gov.uk address returns the CLML of that provision
// (legislation.gov.uk developer documentation). Kratom is not named in the Act: it falls under the
// blanket offence for any "psychoactive substance", so the scraper checks that the supply offence
// still stands and is in force, and states the inference in its confidence.
const XML_URL = 'https://www.legislation.gov.uk/ukpga/2016/2/section/5/data.xml'
const PAGE_URL = 'https://www.legislation.gov.uk/ukpga/2016/2/section/5'

export default defineScraper({
  id: 'gb-psychoactive-substances-act',
  title: 'Psychoactive Substances Act 2016 s. 5 (legislation.gov.uk CLML), United Kingdom',
  jurisdictions: ['GB'],
  trust: 'primary',
  // Weekly, Wednesday 04:45 UTC: amendments to the Act are rare. Chosen 2026-11.
  schedule: '45 4 * * 3',
  parserVersion: '1',
  sources: { section: { kind: 'html', url: XML_URL, headers: { accept: 'application/xml' } } },
  parse({ section }) {
    const xml = section.html
    const group = /<P1group\b([^>]*)>([\s\S]*?)<\/P1group>/.exec(xml)
    if (!group)
      throw new LayoutChangedError(
        'no <P1group> in the CLML answer; legislation.gov.uk changed its XML or served another document.',
      )
    const heading = text((/<Title>([\s\S]*?)<\/Title>/.exec(group[2]!)?.[1] ?? '').replace(/<[^>]+>/g, ' '))
    expectMatch(heading, /^Supplying, or offering to supply, a psychoactive substance$/, 'section 5 heading')
    const body = text(group[2]!.replace(/<[^>]+>/g, ' '))
    const offence = expectMatch(
      body,
      /A person commits an offence if\s*[—-]\s*a the person intentionally supplies a substance to another person,[\s\S]*?for its psychoactive effects\./,
      'section 5(1) supply offence',
    )
    // In force since commencement (SI 2016/553); CLML carries it as RestrictStartDate.
    const start = expectMatch(
      group[1]!,
      /RestrictStartDate="(\d{4}-\d{2}-\d{2})"/,
      'RestrictStartDate of section 5',
    )[1]!
    if (/RestrictEndDate=|Status="(?:Repealed|Prospective)"/.test(group[1]!))
      throw new LayoutChangedError(
        'section 5 is marked repealed or prospective; a person must read the change before any status is recorded.',
      )
    const base = {
      kind: 'status' as const,
      jurisdiction: 'GB',
      status: 'restricted' as const,
      // Citation and (empty) conditions as the curated baseline has them (2026-11): the restriction is in
      // the summary; a differently worded citation would make a first run a spurious "correction".
      conditions: [],
      citation: 'Psychoactive Substances Act 2016 (c. 2)',
      effective_date: start,
      source_url: PAGE_URL,
      // The Act does not name kratom: reading it as a "psychoactive substance" is an inference.
      confidence: 'medium' as const,
      evidence: { text: offence[0].replace(/\s+/g, ' ').slice(0, 4000), selector: 'P1group > P1#section-5' },
    }
    const out: StatusObservationInput[] = [
      {
        ...base,
        subject: 'kratom',
        summary:
          'Kratom is not a controlled drug in the UK, but as a psychoactive substance it may not be supplied, offered, imported or exported for human consumption; simple possession is not an offence.',
      },
      {
        ...base,
        subject: '7-oh',
        summary:
          '7-OH products fall under the same blanket ban on supplying psychoactive substances for human consumption (7-OH is not named in the Act).',
      },
    ]
    return out
  },
})
