import type { ChangeEvent } from '../domain/index.js'
import { describeEvent } from './describe.js'

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids (C0 controls other than tab, newline, carriage return) are dropped.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '') // eslint-disable-line no-control-regex
    .replace(/[&<>"']/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[ch]};`)
}

export interface AtomFeedInput {
  /** Absolute URL of this feed (the feed's id and its rel="self" link). */
  selfUrl: string
  /** Absolute URL of the HTML page showing the same changes. */
  alternateUrl: string
  baseUrl: string
  title: string
  /** Newest first. */
  events: ChangeEvent[]
  names: Map<string, string>
  /** Used as the feed's `updated` when there is no entry. */
  now: Date
}

/** A stable Atom id for an event, independent of the host the feed is served from. */
export function eventAtomId(id: number): string {
  return `tag:kratomwatch.dev,2026:change-event:${id}`
}

/** Renders change events as an Atom 1.0 feed (RFC 4287). */
export function renderAtom(input: AtomFeedInput): string {
  const updated = input.events[0]?.detected_at ?? input.now.toISOString()
  const entries = input.events.map((event) => {
    const d = describeEvent(event, input.names)
    const link = event.jurisdiction ? `${input.baseUrl}/j/${event.jurisdiction}` : `${input.baseUrl}/changes.html`
    const lines = [
      d.detail,
      d.citation ? `Citation: ${d.citation}` : '',
      event.effective_date ? `Effective: ${event.effective_date}` : '',
      d.sourceUrl ? `Source: ${d.sourceUrl}` : '',
    ]
    return `  <entry>
    <id>${eventAtomId(event.id)}</id>
    <title>${escapeXml(d.title)}</title>
    <updated>${escapeXml(event.detected_at)}</updated>
    <published>${escapeXml(event.detected_at)}</published>
    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>${d.sourceUrl ? `\n    <link rel="related" href="${escapeXml(d.sourceUrl)}"/>` : ''}
    <category term="${escapeXml(event.type)}"/>${event.subject ? `\n    <category term="${escapeXml(event.subject)}" label="subject"/>` : ''}
    <summary type="text">${escapeXml(lines.filter(Boolean).join('\n'))}</summary>
  </entry>`
  })
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(input.selfUrl)}</id>
  <title>${escapeXml(input.title)}</title>
  <subtitle>Legal status changes of kratom and 7-OH, with citations</subtitle>
  <updated>${escapeXml(updated)}</updated>
  <author><name>kratomwatch</name><uri>${escapeXml(input.baseUrl)}/</uri></author>
  <link rel="self" type="application/atom+xml" href="${escapeXml(input.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(input.alternateUrl)}"/>
  <generator>kratomwatch</generator>
${entries.join('\n')}
</feed>
`
}
