import {
  defineScraper,
  expectMatch,
  expectOne,
  isoDate,
  LayoutChangedError,
  text,
  UnknownValueError,
  type HtmlDocument,
} from '#sdk'

/** Louisiana Legislature (legis.la.gov): La. R.S. 40:964, the schedules of the Uniform Controlled Dangerous Substances Law; Schedule I lists mitragynine and 7-hydroxymitragynine, in force since Act 41 of 2025 (SB 154). */

// 2026-11 (issue 11): a statute watcher replaces the SB 154 bill page (us-la-legislature-sb154-2025,
// retired): the bill page stops changing once the act is history, the section shows the law as
// amended since. Bills stay with LegiScan / Open States.
//
// The address. legis.la.gov serves each section at Law.aspx?d=<document id>, and the id is not
// derived from the citation. d=98877 is R.S. 40:964: Justia's 2006 Louisiana code files each
// section under the Legislature's document id (law.justia.com/codes/louisiana/2006/48/98877.html is
// "RS 40:964 — Composition of schedules", …/98880.html is R.S. 40:966, and a public repository links
// possession of marijuana, R.S. 40:966, as legis.la.gov/Legis/law.aspx?d=98880); the Legislature's
// ids of nearby Title 40 sections fit around them (R.S. 40:689 is d=98766, R.S. 40:980 is d=98898).
// Not yet fetched from here (no internet on this project's machines): parse checks the page's own
// label ("RS 40:964") and refuses any other section, so a wrong or reused id degrades the run.
const SECTION_URL = 'https://legis.la.gov/Legis/Law.aspx?d=98877'
const LABEL = 'RS 40:964'

// The act that put the two listings into force, checked by a person (digest "(8/1/25)", Act 41 of the
// 2025 Regular Session; WRKF 2025-07-31, Red River Radio 2025-08-04). Act 231 of 2019 (HB 452) had
// enacted the same (Schedule I)(G) entries "with special effective dates" (reported as: once the DEA
// schedules kratom; KTAL 2023); Act 41 is the act that made them the law in force.
const ACT = { year: '2025', number: '41', bill: 'SB 154' }

/** The label and paragraphs of a Law.aspx section page. */
export interface SectionPage {
  label: string
  paragraphs: string[]
}

/**
 * The section's paragraphs, whichever body markup the page uses (both seen on live pages in 2026):
 * `<span id="ctl00_PageBody_LabelDocument"><div id="WPMainDoc"><p style=…>` (sections amended lately,
 * e.g. R.S. 14:30) or `<P class=A0001…>` directly in the span (older sections, e.g. R.S. 1:1).
 */
export function sectionPage(doc: HtmlDocument): SectionPage {
  const { $ } = doc
  const label = text(expectOne($, '#ctl00_PageBody_LabelName', 'section label (LabelName)'))
  const body = expectOne($, '#ctl00_PageBody_LabelDocument', 'section text (LabelDocument)')
  const paragraphs = body
    .find('p')
    .toArray()
    .map((p) => text($(p)))
    .filter(Boolean)
  if (paragraphs.length === 0)
    throw new LayoutChangedError(`${label}: the section text has no paragraphs; the page layout changed.`)
  return { label, paragraphs }
}

/** One numbered entry of a schedule: `(1) Mitragynine` under `G. Miscellaneous.` of Schedule I. */
export interface ScheduleEntry {
  schedule: string
  subsection: string | null
  heading: string | null
  number: string
  name: string
}

const SCHEDULE_LINE = /^SCHEDULE (I|II|III|IV|V)$/i
const SUBSECTION_LINE = /^([A-Z])\.\s+([^.]+)\./
const ENTRY_LINE = /^\*?\((\d+(?:\.\d+)?)\)\s*(.+)$/
// "Added by Acts 1972, No. 634, §1. Amended by Acts …", or a bare "Acts YYYY, …" source note.
const HISTORY_LINE = /^(?:(?:Added|Amended) by )?Acts \d{4}\b/

/** The parts of § 964: entries by schedule, the history (source) note, and any editor's notes. */
export function schedules(page: SectionPage): { entries: ScheduleEntry[]; history: string; notes: string[] } {
  if (page.label !== LABEL)
    throw new LayoutChangedError(
      `the page at ${SECTION_URL} is "${page.label}", not "${LABEL}"; the Legislature's document id changed. Find R.S. 40:964 under Laws_Toc.aspx?folder=114 and update SECTION_URL in scrapers/us-la/us-la-rs-40-964.ts.`,
    )
  expectMatch(
    page.paragraphs[0] ?? '',
    /^§\s*964\.\s*Composition of schedules/,
    '"§964. Composition of schedules" heading',
  )
  const entries: ScheduleEntry[] = []
  const headers = new Set<string>()
  const notes: string[] = []
  let history: string | null = null
  let schedule: string | null = null
  let subsection: { letter: string; heading: string } | null = null
  for (const line of page.paragraphs.slice(1)) {
    const s = SCHEDULE_LINE.exec(line)
    const sub = SUBSECTION_LINE.exec(line)
    const entry = ENTRY_LINE.exec(line)
    if (s) {
      schedule = s[1]!.toUpperCase()
      headers.add(schedule)
      subsection = null
    } else if (HISTORY_LINE.test(line)) history = history ? `${history} ${line}` : line
    else if (/^NOTE\b/i.test(line)) notes.push(line)
    else if (schedule && sub) subsection = { letter: sub[1]!, heading: sub[2]!.trim() }
    else if (schedule && entry)
      entries.push({
        schedule,
        subsection: subsection?.letter ?? null,
        heading: subsection?.heading ?? null,
        number: entry[1]!,
        name: entry[2]!.trim(),
      })
  }
  // Schedule I must be bounded by Schedule II, and hold numbered entries: an empty list is a broken page, not a repeal.
  if (!headers.has('I') || !headers.has('II') || !entries.some((e) => e.schedule === 'I'))
    throw new LayoutChangedError(
      `R.S. 40:964: expected "SCHEDULE I" with numbered entries, then "SCHEDULE II" (found schedules ${[...headers].join(', ') || 'none'}, ${entries.length} entries); the page layout changed.`,
    )
  if (!history)
    throw new LayoutChangedError('R.S. 40:964: no "Added by Acts …" history note at the end of the section.')
  return { entries, history, notes }
}

/** The effective date of Act N of YYYY from the history note: its own "eff." date, else August 1 of that year. */
export function enactment(history: string, act: { year: string; number: string } = ACT): string {
  // The regular-session form "Acts 2025, No. 41, §1" (an extraordinary session reads "Acts 2025, 1st Ex. Sess., No. …").
  const m = expectMatch(
    history,
    new RegExp(`\\bActs ${act.year}, No\\. ${act.number}, §\\s?\\d+(?:, eff\\. ([A-Z][a-z]+\\.? \\d{1,2}, \\d{4}))?`),
    `"Acts ${act.year}, No. ${act.number}, §N" in the history note of R.S. 40:964`,
  )
  // La. Const. art. III, §19: an act of a regular session takes effect on August 1 of that year
  // unless it says otherwise; the history note then carries ", eff. <date>" (checked 2026-11).
  return m[1] ? isoDate(m[1]) : `${act.year}-08-01`
}

const MITRAGYNINE = /^mitragynine\.?$/i
const SEVEN_OH = /^7-?hydroxy-?\s?mitragynine\.?$/i
const KRATOM_WORDS = /mitragyn|kratom/i

export default defineScraper({
  id: 'us-la-rs-40-964',
  title: 'La. R.S. 40:964 (Schedule I: mitragynine, 7-hydroxymitragynine), Louisiana Legislature',
  jurisdictions: ['US-LA'],
  trust: 'primary',
  // 06:05 UTC on Tuesdays: the Law Institute republishes sections after each session's acts take
  // effect (most on August 1); weekly is enough for a schedule amended about once a year (2026-11).
  schedule: '5 6 * * 2',
  parserVersion: '1',
  sources: { section: { kind: 'html', url: SECTION_URL } },
  parse({ section }) {
    const { entries, history, notes } = schedules(sectionPage(section))
    const listed = entries.filter((e) => KRATOM_WORDS.test(e.name))
    // Only the two Schedule I entries Act 41 put into force are modelled. Anything else naming kratom
    // or an alkaloid (another schedule, mitragynine pseudoindoxyl, "Mitragyna speciosa") is a change
    // of legal category: a person reads it first.
    const other = listed.find((e) => e.schedule !== 'I' || !(MITRAGYNINE.test(e.name) || SEVEN_OH.test(e.name)))
    if (other)
      throw new UnknownValueError(
        `R.S. 40:964 (Schedule ${other.schedule})(${other.subsection ?? '?'})(${other.number}) now lists "${other.name}". Read the section and extend scrapers/us-la/us-la-rs-40-964.ts.`,
      )
    const one = (pattern: RegExp, what: string) => {
      const found = listed.filter((e) => pattern.test(e.name))
      if (found.length !== 1)
        throw new UnknownValueError(
          `R.S. 40:964 Schedule I lists ${what} ${found.length} times (expected once): removed or moved. Read the section and its history before anything is recorded.`,
        )
      return found[0]!
    }
    const mitragynine = one(MITRAGYNINE, 'mitragynine')
    const sevenOh = one(SEVEN_OH, '7-hydroxymitragynine')
    // An editor's note about these entries (a contingent or delayed effective date, a court ruling)
    // is not modelled: it goes to a person.
    const note = notes.find((n) => KRATOM_WORDS.test(n) || n.includes(`(Schedule I)(${mitragynine.subsection ?? ''})`))
    if (note)
      throw new UnknownValueError(
        `R.S. 40:964 carries a note on the kratom entries: "${note.slice(0, 200)}". Read it and extend scrapers/us-la/us-la-rs-40-964.ts.`,
      )
    const effective = enactment(history)
    const cite = (e: ScheduleEntry) => `La. R.S. 40:964 (Schedule I)(${e.subsection ?? '?'})(${e.number})`
    const act = `Act No. ${ACT.number} of ${ACT.year}, ${ACT.bill}`
    const evidence = (e: ScheduleEntry) => ({
      text: `SCHEDULE I ${e.subsection ?? ''}. ${e.heading ?? ''}. (${e.number}) ${e.name}`,
      selector: '#ctl00_PageBody_LabelDocument p',
    })
    const common = {
      kind: 'status',
      jurisdiction: 'US-LA',
      status: 'banned',
      min_age: null,
      conditions: [],
      effective_date: effective,
      source_url: SECTION_URL,
      confidence: 'high',
    } as const
    return [
      {
        ...common,
        subject: 'kratom',
        citation: `${cite(mitragynine)} (mitragynine; ${act})`,
        summary:
          'Mitragynine, the main alkaloid of kratom, is a Schedule I controlled dangerous substance in Louisiana: possessing, making or selling kratom is a crime.',
        evidence: evidence(mitragynine),
      },
      {
        ...common,
        subject: '7-oh',
        citation: `${cite(sevenOh)} (7-hydroxymitragynine; ${act})`,
        summary: '7-hydroxymitragynine (7-OH) is a Schedule I controlled dangerous substance in Louisiana.',
        evidence: evidence(sevenOh),
      },
    ]
  },
})
