import type { UpcomingItem } from './data.js'
import { subjectName } from './describe.js'
import { STATUS_LOOK } from './status-style.js'

/**
 * Removes what no iCalendar value may contain: control characters other than HTAB (RFC 5545 § 3.1,
 * CTL), and C1 controls. Line breaks (CR LF, a lone CR or a lone LF) are left for the TEXT escape.
 */
export function stripIcalControls(text: string): string {
  return [...text]
    .filter((ch) => {
      const code = ch.charCodeAt(0)
      return (
        code === 0x09 ||
        code === 0x0a ||
        code === 0x0d ||
        (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0x9f))
      )
    })
    .join('')
}

/**
 * Escapes a TEXT value (RFC 5545 § 3.3.11): backslash, semicolon and comma escaped, every line
 * break (CR LF, lone CR, lone LF) as `\n`, other control characters removed, so a value can never
 * end its content line (a raw CR could inject `BEGIN:VEVENT`).
 */
export function escapeIcalText(text: string): string {
  return stripIcalControls(text)
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

/** Folds a content line to at most 75 octets per line (RFC 5545 § 3.1), never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const size = Buffer.byteLength(ch)
    const limit = out.length ? 74 : 75 // continuation lines start with one space
    if (octets + size > limit) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += size
  }
  out.push(current)
  return out.join('\r\n ')
}

const basicDate = (iso: string) => iso.replaceAll('-', '')
const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** Renders upcoming effective dates as an iCalendar (RFC 5545) feed of all-day events. */
export function renderCalendar(items: UpcomingItem[], options: { baseUrl: string; now: Date; name: string }): string {
  const stamp = options.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//kratomwatch//upcoming effective dates//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeIcalText(options.name)}`,
  ]
  for (const item of items) {
    const what =
      item.kind === 'status'
        ? `${subjectName(item.subject)} becomes ${STATUS_LOOK[item.status ?? 'unknown'].label.toLowerCase()}`
        : `${item.measure_id} takes effect${item.stage ? ` (${item.stage})` : ''}`
    const description = [
      item.summary,
      item.citation && item.kind === 'status' ? `Citation: ${item.citation}` : '',
      item.url ? `Source: ${item.url}` : '',
    ]
      .filter(Boolean)
      .join('\n')
    lines.push(
      'BEGIN:VEVENT',
      `UID:${stripIcalControls(item.uid).replace(/[\r\n]/g, '')}@kratomwatch`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${basicDate(item.date)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(item.date))}`,
      `SUMMARY:${escapeIcalText(`${item.name} (${item.jurisdiction}): ${what}`)}`,
      `DESCRIPTION:${escapeIcalText(description)}`,
      `URL:${options.baseUrl}/j/${item.jurisdiction}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    )
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join('\r\n') + '\r\n'
}
