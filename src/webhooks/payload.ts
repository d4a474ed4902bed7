import type { z } from 'zod'
import type { ChangeEvent } from '../domain/index.js'
import type { EffectiveSummarySchema } from './payload-schema.js'

/** Largest body we send (bytes); the issue's contract is "under 20 kB". */
export const MAX_PAYLOAD_BYTES = 20_000

type Record_ = Record<string, unknown> | null

function withoutBulk(side: Record_): Record_ {
  if (!side) return side
  const { evidence: _evidence, sources: _sources, ...rest } = side
  return { ...rest, evidence_omitted: true }
}

function links(event: ChangeEvent, base: string) {
  const root = base.replace(/\/+$/, '')
  return {
    event: `${root}/changes?since=${event.id - 1}&limit=1`,
    ...(event.jurisdiction
      ? {
          jurisdiction: `${root}/jurisdictions/${encodeURIComponent(event.jurisdiction)}`,
          history: `${root}/jurisdictions/${encodeURIComponent(event.jurisdiction)}/history`,
        }
      : {}),
    ...(event.scraper_id ? { scraper: `${root}/scrapers` } : {}),
  }
}

/** The effective answer at the event's place and date (schema: `EffectiveSummarySchema` in payload-schema.ts). */
export type EffectiveSummary = z.infer<typeof EffectiveSummarySchema>

/**
 * The JSON body of a change-event webhook: `{type, timestamp, data}` where data carries before,
 * after (the place's own rule), the effective answer there (status events), citation, effective
 * date, jurisdiction, subject and links. Kept under 20 kB: when the full records are too large,
 * their evidence and source lists are dropped (the links lead to them).
 */
export function eventPayload(
  event: ChangeEvent,
  publicBaseUrl: string,
  effective?: EffectiveSummary,
  sides?: SidesJson,
): string {
  const after = event.after as { citation?: unknown } | null
  const before = event.before as { citation?: unknown } | null
  const head = {
    event_id: event.id,
    jurisdiction: event.jurisdiction,
    subject: event.subject,
    measure_id: event.measure_id,
    scraper_id: event.scraper_id,
    changed_fields: event.changed_fields,
    citation: (after?.citation ?? before?.citation ?? null) as string | null,
    effective_date: event.effective_date,
    detected_at: event.detected_at,
    supersedes: event.supersedes,
  }
  const linked = links(event, publicBaseUrl)
  // From the JSON the event store wrote for before and after (the same objects, so the same text), when
  // JSON.stringify would write every member here: none of them undefined.
  if (sides && event.before !== undefined && event.after !== undefined && typeof event.detected_at === 'string') {
    const body = spliced(event.type, event.detected_at, head, sides, effective, linked)
    if (fits(body)) return body
  }
  const data = {
    ...head,
    before: event.before,
    after: event.after,
    ...(effective ? { effective } : {}),
    links: linked,
  }
  const envelope = { type: event.type, timestamp: event.detected_at, data }
  let body = JSON.stringify(envelope)
  if (fits(body)) return body
  body = JSON.stringify({
    ...envelope,
    data: { ...data, before: withoutBulk(data.before), after: withoutBulk(data.after), truncated: true },
  })
  if (fits(body)) return body
  // Still too large (an absurd summary): keep the identifying fields only; the links have the rest.
  const { before: _b, after: _a, ...essentials } = data
  return JSON.stringify({ ...envelope, data: { ...essentials, before: null, after: null, truncated: true } })
}

/** Within MAX_PAYLOAD_BYTES (UTF-8 takes at most 3 bytes per UTF-16 unit: most bodies need no byte count). */
const fits = (body: string): boolean =>
  body.length * 3 <= MAX_PAYLOAD_BYTES || Buffer.byteLength(body) <= MAX_PAYLOAD_BYTES

/** The JSON text of an event's `before` and `after` as the event store wrote it (null for null). */
export interface SidesJson {
  before: string | null
  after: string | null
}

/**
 * `JSON.stringify` of the envelope `eventPayload` builds, with `before` and `after` copied from their
 * stored JSON text: JSON.stringify of an object is its members in order, joined by commas.
 */
function spliced(
  type: string,
  timestamp: string,
  head: object,
  sides: SidesJson,
  effective: EffectiveSummary | undefined,
  linked: object,
): string {
  return (
    `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(timestamp)},"data":${JSON.stringify(head).slice(0, -1)}` +
    `,"before":${sides.before ?? 'null'},"after":${sides.after ?? 'null'}` +
    `${effective ? `,"effective":${JSON.stringify(effective)}` : ''},"links":${JSON.stringify(linked)}}}`
  )
}

/** The body of `POST /webhooks/:id/ping`: a `webhook.ping` the receiver can verify like any other. */
export function pingPayload(subscriptionId: string, at: Date): string {
  return JSON.stringify({
    type: 'webhook.ping',
    timestamp: at.toISOString(),
    data: { subscription_id: subscriptionId, message: 'kratomwatch test delivery' },
  })
}
