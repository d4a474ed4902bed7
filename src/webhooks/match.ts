import type { ChangeEvent, EventType } from '../domain/index.js'
import type { Subscription } from '../db/stores/webhooks.js'

/** Event types delivered only to subscriptions that name them in `events`. */
export const OPT_IN_EVENTS: readonly EventType[] = ['status.details_updated']

/**
 * Whether a subscription wants an event. `lineage` is the event's jurisdiction and all its
 * ancestors (e.g. US-CA-SAN-DIEGO, US-CA, US): a subscription to US-CA with include_descendants
 * matches when US-CA is in the lineage, which is the same as the event's place being one of
 * `jurisdictions.descendants('US-CA')` but needs one chain walk per event instead of one tree walk
 * per subscription. Empty filters match everything, except the opt-in types: a subscription hears
 * `status.details_updated` (a citation or summary refined, no change in law) only when it lists it.
 */
export function matches(
  sub: Pick<Subscription, 'events' | 'jurisdictions' | 'include_descendants' | 'subjects'>,
  event: ChangeEvent,
  lineage: readonly string[],
): boolean {
  if (sub.events.length ? !sub.events.includes(event.type) : OPT_IN_EVENTS.includes(event.type)) return false
  if (sub.subjects.length && (event.subject === null || !sub.subjects.includes(event.subject))) return false
  if (sub.jurisdictions.length) {
    if (event.jurisdiction === null) return false
    const wanted = sub.include_descendants ? lineage : [event.jurisdiction]
    if (!sub.jurisdictions.some((code) => wanted.includes(code))) return false
  }
  return true
}
