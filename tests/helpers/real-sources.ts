import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SourceKind } from '../../src/fetch/fetcher.js'
import { projectPath } from '../../src/paths.js'
import type { FetchedDocument, HtmlDocument, JsonDocument } from '../../src/scraping/define-scraper.js'
import { toDocument } from '../../src/scraping/documents.js'

/**
 * The shared folder of real recorded responses, `<repo>/../shared/real-sources` (never copied into
 * the repository). Tests that read it skip, loudly, only when the folder is absent.
 */
export const REAL_SOURCES = join(projectPath(''), '..', 'shared', 'real-sources')
export const hasRealSources = existsSync(REAL_SOURCES)
if (!hasRealSources)
  console.warn(
    `\n!!! ${REAL_SOURCES} is absent: real-response tests are SKIPPED. Check out the shared real-sources folder beside the repository.\n`,
  )

/** The bytes of one real recorded response, by its path under real-sources. */
export function realBytes(path: string): Buffer {
  return readFileSync(join(REAL_SOURCES, path))
}
/** One real recorded response as text (UTF-8, BOM kept). */
export function realText(path: string, encoding: BufferEncoding = 'utf8'): string {
  return realBytes(path).toString(encoding)
}
/** One real recorded JSON response, parsed. */
export function realJson(path: string): unknown {
  return JSON.parse(realText(path)) as unknown
}
/**
 * One real recorded response as the document `parse` receives, through the framework's own
 * decoding (BOM, charset, bot-wall and soft-404 checks), as if served with `contentType`.
 */
export async function realDocument(
  path: string,
  kind: SourceKind,
  url: string,
  contentType = '',
): Promise<FetchedDocument> {
  return toDocument(kind, url, realBytes(path), contentType)
}
/** A real HTML page as `parse` receives it. */
export async function realHtml(path: string, url: string, contentType = 'text/html'): Promise<HtmlDocument> {
  return (await realDocument(path, 'html', url, contentType)) as HtmlDocument
}
/** A real JSON response as `parse` receives it. */
export async function realJsonDocument(path: string, url: string): Promise<JsonDocument> {
  return (await realDocument(path, 'json', url, 'application/json')) as JsonDocument
}
