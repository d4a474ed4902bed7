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

// The base URL without trailing slashes, for the last base seen (one per process in practice).
let lastBase = ''
let lastRoot = ''

function links(event: ChangeEvent, base: string) {
  if (base !== lastBase) [lastBase, lastRoot] = [base, base.replace(/\/+$/, '')]
  const root = lastRoot
  // Built member by member (no spreads of conditional objects): a diff batch makes one per event.
  const out: { event: string; jurisdiction?: string; history?: string; scraper?: string } = {
    event: `${root}/changes?since=${event.id - 1}&limit=1`,
  }
  if (event.jurisdiction) {
    const place = `${root}/jurisdictions/${encodeURIComponent(event.jurisdiction)}`
    out.jurisdiction = place
    out.history = `${place}/history`
  }
  if (event.scraper_id) out.scraper = `${root}/scrapers`
  return out
}

/** The effective answer at the event's place and date (schema: `EffectiveSummarySchema` in payload-schema.ts). */
export type EffectiveSummary = z.infer<typeof EffectiveSummarySchema>

/** The members of a payload's `data` before `before`, in order. */
function headOf(event: ChangeEvent) {
  const after = event.after as { citation?: unknown } | null
  const before = event.before as { citation?: unknown } | null
  return {
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
}

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
  const head = headOf(event)
  const linked = links(event, publicBaseUrl)
  const parts = sides && partsOf(event, head, sides, effective, linked)
  if (parts) return joinParts(parts, sides)
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
 * A body as the text around the event's `before` and `after` JSON: `head` + before + `,"after":` +
 * after + `tail` (null and null written as `null`). The outbox stores these parts, and the stored
 * event supplies the rest (webhook_payloads.tail).
 */
export interface PayloadParts {
  head: string
  tail: string
}

/** Joins parts with the JSON of before and after: the body. */
export const joinParts = (parts: PayloadParts, sides: SidesJson): string =>
  `${parts.head}${sides.before ?? 'null'},"after":${sides.after ?? 'null'}${parts.tail}`

/**
 * `eventPayload` as parts around the stored JSON of before and after, or undefined when the body is
 * not the full records (over 20 kB) or JSON.stringify would leave a member out (an undefined one).
 */
export function eventPayloadParts(
  event: ChangeEvent,
  publicBaseUrl: string,
  effective: EffectiveSummary | undefined,
  sides: SidesJson,
): PayloadParts | undefined {
  return partsOf(event, headOf(event), sides, effective, links(event, publicBaseUrl))
}

/**
 * The parts of `JSON.stringify` of the envelope `eventPayload` builds (JSON.stringify of an object is its
 * members in order, joined by commas), if the whole fits in MAX_PAYLOAD_BYTES.
 */
function partsOf(
  event: ChangeEvent,
  head: object,
  sides: SidesJson,
  effective: EffectiveSummary | undefined,
  linked: object,
): PayloadParts | undefined {
  if (event.before === undefined || event.after === undefined || typeof event.detected_at !== 'string') return undefined
  const parts = {
    head: `{"type":${JSON.stringify(event.type)},"timestamp":${JSON.stringify(event.detected_at)},"data":${JSON.stringify(head).slice(0, -1)},"before":`,
    tail: `${effective ? `,"effective":${JSON.stringify(effective)}` : ''},"links":${JSON.stringify(linked)}}}`,
  }
  const length =
    parts.head.length + (sides.before ?? 'null').length + (sides.after ?? 'null').length + parts.tail.length + 9
  return length * 3 <= MAX_PAYLOAD_BYTES || fits(joinParts(parts, sides)) ? parts : undefined
}

/** The body of `POST /webhooks/:id/ping`: a `webhook.ping` the receiver can verify like any other. */
export function pingPayload(subscriptionId: string, at: Date): string {
  return JSON.stringify({
    type: 'webhook.ping',
    timestamp: at.toISOString(),
    data: { subscription_id: subscriptionId, message: 'kratomwatch test delivery' },
  })
}
