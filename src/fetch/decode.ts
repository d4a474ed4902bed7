import iconv from 'iconv-lite'

/** The charset named in a Content-Type header, lower-cased, or null. */
export function charsetOf(contentType: string): string | null {
  const m = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType)
  return m ? m[1]!.toLowerCase() : null
}

/**
 * Decodes a fetched body to text: a BOM wins, then the Content-Type charset, then (for HTML) a
 * `<meta charset>` in the first 4 kB, else UTF-8. Unknown charsets fall back to UTF-8. The BOM is removed.
 */
export function decodeBody(body: Buffer, contentType: string): string {
  let charset: string | null = null
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) charset = 'utf-8'
  else if (body[0] === 0xff && body[1] === 0xfe) charset = 'utf-16le'
  else if (body[0] === 0xfe && body[1] === 0xff) charset = 'utf-16be'
  charset ??= charsetOf(contentType)
  if (!charset) {
    const head = body.subarray(0, 4096).toString('latin1')
    const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)
    if (meta) charset = meta[1]!.toLowerCase()
  }
  if (!charset || !iconv.encodingExists(charset)) charset = 'utf-8'
  return iconv.decode(body, charset)
}
