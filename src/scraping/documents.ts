import { load } from 'cheerio'
import { extractText } from 'unpdf'
import { BlockedError, LayoutChangedError, SoftNotFoundError } from '../errors.js'
import { decodeBody } from '../fetch/decode.js'
import type { SourceKind } from '../fetch/fetcher.js'
import type { FetchedDocument } from './define-scraper.js'

// Titles of bot walls and challenge pages seen in the wild (Cloudflare, Akamai, Imperva, 2026-11).
const BOT_WALL =
  /just a moment|attention required|access denied|are you a (human|robot)|verify you are human|captcha|request unsuccessful|pardon our interruption|bot detection/i
const NOT_FOUND = /\b404\b|page not found|not found|no longer available|does not exist/i

/**
 * Turns a stored body into the document `parse` receives: HTML into cheerio, JSON parsed, PDF text
 * extracted. Bot walls (BlockedError) and "not found" pages served with 200 (SoftNotFoundError)
 * are recognised here by their title, so no scraper has to.
 */
export async function toDocument(
  kind: SourceKind,
  url: string,
  body: Buffer,
  contentType: string,
): Promise<FetchedDocument> {
  if (kind === 'json') {
    const raw = decodeBody(body, contentType)
    try {
      return { kind, url, json: JSON.parse(raw) as unknown }
    } catch (error) {
      if (/^\s*</.test(raw)) checkHtml(load(raw), url)
      throw new LayoutChangedError(`${url}: expected JSON, got something else (${(error as Error).message}).`, {
        cause: error,
      })
    }
  }
  if (kind === 'pdf') {
    if (body.subarray(0, 5).toString('latin1') !== '%PDF-') {
      const raw = decodeBody(body, contentType)
      if (/^\s*</.test(raw)) checkHtml(load(raw), url)
      throw new LayoutChangedError(`${url}: expected a PDF, got ${contentType || 'an unknown type'}.`)
    }
    const { text } = await extractText(new Uint8Array(body), { mergePages: false })
    return { kind, url, text: text.join('\n\n') }
  }
  const html = decodeBody(body, contentType)
  const $ = load(html)
  checkHtml($, url)
  return { kind, url, $, html }
}

function checkHtml($: ReturnType<typeof load>, url: string): void {
  const title = $('title').first().text().replace(/\s+/g, ' ').trim()
  const heading = $('h1').first().text().replace(/\s+/g, ' ').trim()
  if (
    BOT_WALL.test(title) ||
    $('#challenge-form, #cf-challenge-running, .g-recaptcha, .h-captcha, [data-sitekey]').length > 0
  ) {
    throw new BlockedError(`${url}: a bot wall answered ("${title || heading}"); the source blocks automated access.`)
  }
  if (NOT_FOUND.test(title) || (!title && NOT_FOUND.test(heading))) {
    throw new SoftNotFoundError(
      `${url}: the page says "${title || heading}" although it answered 200; the document moved. Update the source URL.`,
    )
  }
}
