import type { CheerioAPI } from 'cheerio'
import { validate as validCron } from 'node-cron'
import type { Page } from 'playwright-core'
import { z } from 'zod'
import { JurisdictionCode, type ObservationInput } from '../domain/index.js'

/** A source fetched as HTML (static) or rendered in the shared browser. */
export interface HtmlSource {
  /** `'html'` for a static page; `'browser'` for a page that needs JavaScript (rendered by the shared Chromium). */
  kind: 'html' | 'browser'
  /** The real source URL (https). `{ENV_NAME}` placeholders are filled from configuration (API keys). */
  url: string
  /** Extra request headers, e.g. `{ accept: 'application/xml' }` or an API key header `{ 'x-api-key': '{OPENSTATES_API_KEY}' }`. */
  headers?: Record<string, string>
  /** Browser sources only: clicks and waits before the content is read. Extraction stays in `parse`. */
  prepare?: (page: Page) => Promise<void>
  /** Browser sources only: a selector that must appear before the content is read. */
  waitFor?: string
}
/** A source fetched as JSON (an API); `parse` receives it parsed. */
export interface JsonSource {
  /** Always `'json'`. */
  kind: 'json'
  /** The real source URL (https). `{ENV_NAME}` placeholders are filled from configuration (API keys). */
  url: string
  /** Extra request headers, e.g. an API key header `{ 'x-api-key': '{OPENSTATES_API_KEY}' }`. */
  headers?: Record<string, string>
}
/** A source fetched as PDF; `parse` receives its extracted text. */
export interface PdfSource {
  /** Always `'pdf'`. */
  kind: 'pdf'
  /** The real source URL (https). */
  url: string
  /** Extra request headers. */
  headers?: Record<string, string>
}
/** Any declared source: `{ kind: 'html' | 'browser' | 'json' | 'pdf', url, … }`. */
export type Source = HtmlSource | JsonSource | PdfSource

/** An HTML or rendered page, loaded into cheerio. */
export interface HtmlDocument {
  /** How it was fetched: `'html'` (static) or `'browser'` (rendered by Chromium). */
  kind: 'html' | 'browser'
  /** The URL it was read from (the real one, also in tests). */
  url: string
  /** cheerio, loaded with the page: `$('h1')`. */
  $: CheerioAPI
  /** The raw HTML (after rendering, for browser sources). */
  html: string
}
/** A JSON response, parsed. */
export interface JsonDocument {
  /** Always `'json'`. */
  kind: 'json'
  /** The URL it was read from. */
  url: string
  /** The parsed body: check its shape before use (throw LayoutChangedError when it is not what you expect). */
  json: unknown
}
/** A PDF, as extracted text (pages joined by a blank line). */
export interface PdfDocument {
  /** Always `'pdf'`. */
  kind: 'pdf'
  /** The URL it was read from. */
  url: string
  /** The extracted text, pages joined by a blank line. */
  text: string
}
/** Any fetched document: HTML (also rendered), JSON or PDF text. */
export type FetchedDocument = HtmlDocument | JsonDocument | PdfDocument

/** The document type `parse` receives for each source. */
export type DocumentOf<S extends Source> = S extends { kind: 'json' }
  ? JsonDocument
  : S extends { kind: 'pdf' }
    ? PdfDocument
    : HtmlDocument
/** The documents `parse` receives, keyed by source name: `parse({ chapter }) { chapter.$('h1') }`. */
export type Documents<S extends Record<string, Source>> = { [K in keyof S]: DocumentOf<S[K]> }

/** Context passed to `parse` besides the documents. */
export interface ParseContext {
  /** Today (UTC) of the run, `YYYY-MM-DD`, for sources that state relative dates. */
  today: string
  /** The documents of the sources `follow` returned this run, by the names it gave them; `{}` without `follow`. */
  followed: Record<string, FetchedDocument>
}

/** Context passed to `follow` and `remember`. */
export interface FollowContext<M = unknown> {
  /** Today (UTC) of the run, `YYYY-MM-DD`. */
  today: string
  /**
   * What `remember` returned after this scraper's last successful run, or null: on the first run
   * and after a parser version change (a new parser reads everything again).
   */
  previous: M | null
}

/** Context passed to `remember`: as for `follow`, plus the followed documents of this run. */
export interface RememberContext<M = unknown> extends FollowContext<M> {
  /** The documents `follow` asked for this run, by name. */
  followed: Record<string, FetchedDocument>
}

/** How many sources `follow` may return in one run unless the definition sets `maxFollow`. */
export const FOLLOW_LIMIT_DEFAULT = 200
/** The most `maxFollow` may be set to. */
export const FOLLOW_LIMIT_MAX = 1000
/** The most bytes `remember`'s result may take as JSON. */
export const MEMORY_MAX_BYTES = 1_000_000

/** Arrays in an observation may be readonly (e.g. `as const` tables); validation copies them. */
type ReadonlyArrays<T> = T extends unknown
  ? {
      [K in keyof T]: T[K] extends readonly (infer E)[]
        ? readonly E[]
        : T[K] extends readonly (infer E)[] | undefined
          ? readonly E[] | undefined
          : T[K]
    }
  : never

/** What `parse` returns per item: an observation (validated strictly by the runner). */
export type ScraperOutput = ReadonlyArrays<ObservationInput>

/** One scraper: a typed, declarative definition whose `parse` is pure (no I/O) and throws on the unexpected. */
export interface ScraperDefinition<S extends Record<string, Source> = Record<string, Source>, M = unknown> {
  /** Equals the file name without extension, e.g. `us-tx-statutes-hs-444`. Stable forever. */
  id: string
  /** One-line description naming the official source. */
  title: string
  /** Jurisdiction codes this scraper reports on. */
  jurisdictions: string[]
  /** `'primary'` for a legislature, regulator, gazette or its API; `'secondary'` for aggregators (changes go to review). */
  trust: 'primary' | 'secondary'
  /** node-cron expression (UTC), 5 or 6 fields. */
  schedule: string
  /** The sources by name: `{ chapter: { kind: 'html', url: 'https://…' } }`; `parse` receives them under the same names. */
  sources: S
  /** Bump when `parse` changes meaning: an unchanged page is then parsed again. */
  parserVersion: string
  /** True when the source may legitimately yield no observations. */
  emptyPossible?: boolean
  /** Configuration variables (API keys) this scraper needs; missing ones disable it. */
  requiresEnv?: string[]
  /**
   * Optional second fetch phase. Pure: from the documents of the declared sources (and what the
   * scraper remembered, `context.previous`), the further sources to fetch this run, by name
   * (`^[A-Za-z0-9_-]{1,100}$`). They go through the same polite fetch layer, are snapshotted, and
   * reach `parse` as `context.followed[name]`. More than `maxFollow` makes the run degraded
   * (nothing followed is fetched); so does any followed source that fails.
   *
   * @example
   * ```ts
   * // search once, then fetch only the bills whose change hash moved since the last run
   * // (annotating the context is what lets TypeScript infer the memory type, here `{ hashes }`)
   * follow({ search }, { previous }: FollowContext<{ hashes: Record<string, string> }>) {
   *   const seen = previous?.hashes ?? {}
   *   const rows = readSearch(search.json).filter((r) => seen[r.bill_id] !== r.change_hash)
   *   return Object.fromEntries(rows.map((r) => [`bill${r.bill_id}`, { kind: 'json' as const, url: `https://api.example.gov/bill/${r.bill_id}` }]))
   * },
   * ```
   */
  follow?(documents: Documents<S>, context: FollowContext<M>): Record<string, Source>
  /** At most this many followed sources per run (default `FOLLOW_LIMIT_DEFAULT`, at most `FOLLOW_LIMIT_MAX`). */
  maxFollow?: number
  /**
   * Optional memory. Pure: what to keep until the next run, as JSON (at most `MEMORY_MAX_BYTES`).
   * The framework stores it only when the run succeeds (changed or unchanged; a run skipped because
   * nothing changed keeps the memory it has) and gives it back
   * as `context.previous` to `follow` and `remember` next run; a degraded or failed run keeps the
   * old memory, so whatever it did not finish is fetched again.
   *
   * @example
   * ```ts
   * // remember the hash of every bill read this run, keep the older ones still in the search
   * remember({ search }, { previous, followed }): { hashes: Record<string, string> } {
   *   const rows = readSearch(search.json)
   *   const hashes = Object.fromEntries(rows.filter((r) => previous?.hashes[r.bill_id]).map((r) => [r.bill_id, previous!.hashes[r.bill_id]!]))
   *   for (const r of rows) if (followed[`bill${r.bill_id}`]) hashes[r.bill_id] = r.change_hash
   *   return { hashes }
   * },
   * ```
   */
  remember?(documents: Documents<S>, context: RememberContext<M>): M
  /** Pure: from the fetched documents to observations. Reads the sentence each status rests on, or throws an SDK error. */
  parse(documents: Documents<S>, context: ParseContext): readonly ScraperOutput[]
}

/**
 * Declares a scraper. An identity function with a precise type; the registry validates the object
 * at load with `ScraperDefinitionSchema`.
 *
 * @example
 * ```ts
 * import { defineScraper, expectOne, text } from '#sdk'
 * export default defineScraper({
 *   id: 'us-xx-statutes',
 *   title: 'Example State statutes, chapter 12',
 *   jurisdictions: ['US-XX'],
 *   trust: 'primary',
 *   schedule: '15 6 * * *',
 *   parserVersion: '1',
 *   sources: { chapter: { kind: 'html', url: 'https://law.example.gov/ch12.htm' } },
 *   parse({ chapter }) {
 *     const heading = text(expectOne(chapter.$, 'h1', 'chapter heading'))
 *     return [{ kind: 'status', jurisdiction: 'US-XX', subject: 'kratom', status: 'regulated',
 *       citation: heading, source_url: chapter.url, confidence: 'high' }]
 *   },
 * })
 * ```
 */
export function defineScraper<const S extends Record<string, Source>, M = unknown>(
  definition: ScraperDefinition<S, M>,
): ScraperDefinition<S, M> {
  return definition
}

const httpsUrl = z
  .string()
  .refine(
    (u) => URL.canParse(u.replace(/\{[A-Z0-9_]+\}/g, 'x')) && u.startsWith('https://'),
    'source URLs must be absolute https:// URLs',
  )

/** A source as declared or as returned by `follow`. */
export const SourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.enum(['html', 'browser']),
      url: httpsUrl,
      headers: z.record(z.string(), z.string()).optional(),
      prepare: z.function().optional(),
      waitFor: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('json'), url: httpsUrl, headers: z.record(z.string(), z.string()).optional() }).strict(),
  z.object({ kind: z.literal('pdf'), url: httpsUrl, headers: z.record(z.string(), z.string()).optional() }).strict(),
])

/** What the registry checks on every scraper definition at load. */
export const ScraperDefinitionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)+$/, 'ids are lower-case kebab-case "<region>-<source-slug>"'),
    title: z.string().trim().min(1),
    jurisdictions: z
      .array(
        z
          .string()
          .regex(/^[A-Z]{2}(?:-[A-Z0-9]+)*$/, 'jurisdiction codes are upper case, like "US-TX"')
          .pipe(JurisdictionCode),
      )
      .min(1),
    trust: z.enum(['primary', 'secondary']),
    schedule: z.string().refine((s) => validCron(s), 'not a valid cron expression (node-cron)'),
    sources: z
      .record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'source names are camelCase identifiers'), SourceSchema)
      .refine((s) => Object.keys(s).length > 0, 'at least one source'),
    parserVersion: z.string().trim().min(1),
    emptyPossible: z.boolean().optional(),
    requiresEnv: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)).optional(),
    follow: z.function().optional(),
    maxFollow: z.number().int().min(1).max(FOLLOW_LIMIT_MAX).optional(),
    remember: z.function().optional(),
    parse: z.function(),
  })
  .strict()
  .refine((d) => d.maxFollow === undefined || d.follow !== undefined, {
    message: 'maxFollow without follow has no effect; remove it or add follow',
    path: ['maxFollow'],
  })

/** The names `follow` may give its sources (they name run documents and fixture files). */
export const FOLLOWED_NAME = /^[A-Za-z0-9_-]{1,100}$/
