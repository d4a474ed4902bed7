import type { ChangeEvent, Status } from '../domain/index.js'
import { STATUS_LOOK } from './status-style.js'

/** What a change event says, in words a person reads: a title line, a detail line and its evidence. */
export interface EventWords {
  title: string
  detail: string
  place: string
  before: Status | null
  after: Status | null
  citation: string | null
  sourceUrl: string | null
}

const SUBJECT_NAMES: Record<string, string> = { kratom: 'Kratom', '7-oh': '7-OH' }

/** The display name of a subject id. */
export function subjectName(id: string | null): string {
  return id ? (SUBJECT_NAMES[id] ?? id) : ''
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)

/** Describes a change event for feeds and pages. */
export function describeEvent(event: ChangeEvent, names: Map<string, string>): EventWords {
  const place = event.jurisdiction
    ? `${names.get(event.jurisdiction) ?? event.jurisdiction} (${event.jurisdiction})`
    : (event.scraper_id ?? 'kratomwatch')
  const before = (str(event.before?.status) as Status | null) ?? null
  const after = (str(event.after?.status) as Status | null) ?? null
  const subject = subjectName(event.subject)
  const label = (s: Status | null) => (s ? (STATUS_LOOK[s]?.label.toLowerCase() ?? s) : 'none')
  const citation = str(event.after?.citation) ?? str(event.before?.citation)
  const sourceUrl = str(event.after?.source_url) ?? str(event.after?.url)
  let title: string
  let detail: string
  switch (event.type) {
    case 'status.changed':
      title = `${place}: ${subject} ${before ? `${label(before)} → ` : ''}${label(after)}`
      detail = str(event.after?.summary) ?? `${subject} is now ${label(after)}.`
      break
    case 'status.scheduled':
      title = `${place}: ${subject} to become ${label(after)}${event.effective_date ? ` on ${event.effective_date}` : ''}`
      detail = str(event.after?.summary) ?? `Scheduled: ${subject} becomes ${label(after)}.`
      break
    case 'status.corrected':
      title = `${place}: correction for ${subject}${event.supersedes ? ` (replaces change #${event.supersedes})` : ''}`
      detail = str(event.after?.summary) ?? 'An earlier recorded change was corrected.'
      break
    case 'measure.introduced':
    case 'measure.updated':
      title =
        `${place}: ${event.type === 'measure.introduced' ? 'new measure' : 'measure updated'} ${event.measure_id ?? ''}`.trim()
      detail = [
        str(event.after?.title),
        str(event.after?.stage) ? `stage: ${str(event.after?.stage)}` : null,
        str(event.after?.last_action),
      ]
        .filter(Boolean)
        .join('; ')
      break
    default:
      title = `${place}: ${event.type}`
      detail = str(event.after?.reason) ?? str(event.after?.summary) ?? event.changed_fields.join(', ')
  }
  if (event.type.startsWith('status.') && event.changed_fields.length && before)
    detail += ` Changed: ${event.changed_fields.join(', ')}.`
  return { title, detail, place, before, after, citation, sourceUrl }
}
