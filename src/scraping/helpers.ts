import type { Cheerio, CheerioAPI } from 'cheerio'
import type { AnyNode } from 'domhandler'
import { LayoutChangedError, UnknownValueError } from '../errors.js'
import type { Status } from '../domain/index.js'

/**
 * Normalised text of an element or string: entities decoded, whitespace (incl. NBSP) collapsed, trimmed.
 *
 * @example
 * ```ts
 * text($('h1'))            // "CHAPTER 444. KRATOM PRODUCTS"
 * text('  a\u00a0 b ')     // "a b"
 * ```
 */
export function text(node: Cheerio<AnyNode> | string | undefined | null): string {
  const raw = typeof node === 'string' ? node : node ? node.text() : ''
  return raw.replace(/[\s\u00a0]+/g, ' ').trim()
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]

/**
 * A date as `YYYY-MM-DD` from the forms statutes and bill pages use: `September 1, 2023`,
 * `Sept. 1, 2023`, `9/1/2023`, `9/1/23`, `2023-09-01`. Throws UnknownValueError otherwise.
 *
 * @example
 * ```ts
 * isoDate('eff. September 1, 2023') // "2023-09-01"
 * isoDate('6/13/23')                // "2023-06-13"
 * ```
 */
export function isoDate(input: string): string {
  const s = text(input)
  const pad = (n: number) => String(n).padStart(2, '0')
  const valid = (y: number, m: number, d: number) => {
    const date = new Date(Date.UTC(y, m - 1, d))
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      throw new UnknownValueError(`"${input}" is not a real date.`)
    return `${y}-${pad(m)}-${pad(d)}`
  }
  let m = /(\d{4})-(\d{2})-(\d{2})/.exec(s)
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]))
  m = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b/.exec(s)
  if (m) {
    const month = MONTHS.findIndex((name) => name.startsWith(m![1]!.toLowerCase().slice(0, 3)))
    if (month >= 0) return valid(Number(m[3]), month + 1, Number(m[2]))
  }
  m = /\b(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\b/.exec(s)
  if (m) {
    const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3])
    return valid(year, Number(m[1]), Number(m[2]))
  }
  throw new UnknownValueError(
    `no date found in "${input}"; expected e.g. "September 1, 2023", "9/1/23" or "2023-09-01".`,
  )
}

/**
 * A lookup from every wording a source uses to a status. An unseen wording throws
 * UnknownValueError (the run is degraded), so a new legal category reaches a human.
 *
 * @example
 * ```ts
 * const statusOf = statusRules({ 'schedule i': 'banned', 'age restricted': 'regulated' })
 * statusOf('Schedule I')  // "banned"
 * statusOf('Pending')     // throws UnknownValueError
 * ```
 */
export function statusRules(rules: Record<string, Status>): (label: string) => Status {
  const table = new Map(Object.entries(rules).map(([k, v]) => [text(k).toLowerCase(), v]))
  return (label: string) => {
    const status = table.get(text(label).toLowerCase())
    if (!status)
      throw new UnknownValueError(
        `unknown status label "${text(label)}"; known: ${[...table.keys()].map((k) => `"${k}"`).join(', ')}. Add it to statusRules after checking the source.`,
      )
    return status
  }
}

/**
 * Exactly one element for a selector, else LayoutChangedError naming what was expected.
 *
 * @example
 * ```ts
 * const title = expectOne($, 'head > title', 'page title')
 * ```
 */
export function expectOne($: CheerioAPI, selector: string, what: string): Cheerio<AnyNode> {
  const found = $(selector)
  if (found.length !== 1)
    throw new LayoutChangedError(
      `expected one ${what} at "${selector}", found ${found.length}; the page layout changed.`,
    )
  return found
}

/**
 * One or more elements for a selector, each wrapped; zero throws LayoutChangedError (an empty
 * table is a broken scraper, not a repeal).
 *
 * @example
 * ```ts
 * for (const row of expectRows($, 'table.bills tbody tr', 'bill table rows')) text(row.find('td').eq(0))
 * ```
 */
export function expectRows($: CheerioAPI, selector: string, what: string): Cheerio<AnyNode>[] {
  const found = $(selector)
  if (found.length === 0)
    throw new LayoutChangedError(`expected at least one ${what} at "${selector}", found none; the page layout changed.`)
  return found.toArray().map((el) => $(el))
}

/**
 * The first match of a pattern in a text, or LayoutChangedError; returns the match.
 *
 * @example
 * ```ts
 * const age = Number(expectMatch(body, /younger than (\d+) years/i, 'minimum age sentence')[1])
 * ```
 */
export function expectMatch(haystack: string, pattern: RegExp, what: string): RegExpExecArray {
  const m = pattern.exec(haystack)
  if (!m)
    throw new LayoutChangedError(
      `expected the ${what} (${pattern}) in the text; not found. The wording or layout changed.`,
    )
  return m
}

/**
 * The effect a bill's title states plainly: a ban or Schedule I listing → `banned`, a consumer
 * protection / regulation act → `regulated`, for the leaf (`kratom`) or only the alkaloid (`7-oh`);
 * null when the title does not say. Bill sources share it so the same bill reads the same everywhere.
 *
 * @example
 * ```ts
 * effectFromTitle('Kratom Consumer Protection Act')            // { subject: 'kratom', status: 'regulated' }
 * effectFromTitle('Adds 7-hydroxymitragynine to Schedule I')  // { subject: '7-oh', status: 'banned' }
 * effectFromTitle('Relating To Consumer Protection.')         // null
 * ```
 */
export function effectFromTitle(title: string): { subject: 'kratom' | '7-oh'; status: 'banned' | 'regulated' } | null {
  const leaf = /\bkratom\b|mitragyna speciosa|\bmitragynine\b/i.test(title)
  const alkaloid = /7-hydroxymitragynine|\b7-OH\b/i.test(title)
  if (!leaf && !alkaloid) return null
  const subject = leaf ? 'kratom' : '7-oh'
  if (
    /criminaliz|prohibit|\bban\b|schedule i\b|controlled (dangerous )?substances? (law|act)?/i.test(title) &&
    !/consumer protection/i.test(title)
  )
    return { subject, status: 'banned' }
  if (/consumer protection|regulat|age (limit|requirement)|minimum age|labeling/i.test(title))
    return { subject, status: 'regulated' }
  return null
}
