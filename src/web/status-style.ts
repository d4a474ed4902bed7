import type { Status } from '../domain/index.js'
import { html, raw, type Html } from './html.js'

/** How each status looks: a word, a short symbol and a fill pattern, so colour is never the only signal. */
export const STATUS_LOOK: Record<
  Status,
  { label: string; symbol: string; fill: string; ink: string; pattern: string }
> = {
  legal: { label: 'Legal', symbol: '✓', fill: '#a6dba0', ink: '#1b7837', pattern: '' },
  regulated: {
    label: 'Regulated',
    symbol: '◐',
    fill: '#fee08b',
    ink: '#8c6d00',
    pattern: '<circle cx="3" cy="3" r="1.2"/>',
  },
  restricted: {
    label: 'Restricted',
    symbol: '▲',
    fill: '#fdae61',
    ink: '#a34a00',
    pattern: '<path d="M0 6L6 0" stroke-width="1.4"/>',
  },
  banned: {
    label: 'Banned',
    symbol: '✕',
    fill: '#e8746a',
    ink: '#7f0000',
    pattern: '<path d="M0 6L6 0M0 0L6 6" stroke-width="1.2"/>',
  },
  unknown: {
    label: 'Unknown',
    symbol: '?',
    fill: '#e0e0e0',
    ink: '#757575',
    pattern: '<path d="M0 3H6" stroke-width="0.6"/>',
  },
}

export const STATUSES = Object.keys(STATUS_LOOK) as Status[]

/** The CSS class a region or badge of a status carries (`st-banned`). */
export function statusClass(status: Status | null): string {
  return `st-${status ?? 'unknown'}`
}

/**
 * A badge with the status word and symbol, for tables and pages. An unknown answer with a known
 * lower bound says so ("Unknown — at least Legal"); an unconfirmed one carries a dotted outline.
 */
export function statusBadge(
  status: Status | null,
  more: { atLeast?: Status | null; unconfirmed?: boolean } = {},
): Html {
  const look = STATUS_LOOK[status ?? 'unknown']
  const bound =
    (status ?? 'unknown') === 'unknown' && more.atLeast
      ? html` <span class="at-least">— at least ${STATUS_LOOK[more.atLeast].label}</span>`
      : ''
  const unconfirmed = more.unconfirmed && status !== 'unknown' && status !== null
  return html`<span class="badge ${statusClass(status)}${unconfirmed ? ' unconfirmed' : ''}"
    ><span aria-hidden="true">${look.symbol}</span>
    ${look.label}${bound}${unconfirmed ? html` <span class="unconf">(unconfirmed)</span>` : ''}</span
  >`
}

/** What "unconfirmed" means wherever it is shown. */
export const UNCONFIRMED_TEXT =
  'unconfirmed: low confidence, or no official source (statute, gazette, agency) supports it yet'

/** SVG pattern definitions (one per status), referenced by the map regions' fills. */
export function patternDefs(): Html {
  const defs = STATUSES.map((s) => {
    const look = STATUS_LOOK[s]
    return `<pattern id="pat-${s}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${look.fill}"/><g fill="${look.ink}" stroke="${look.ink}">${look.pattern}</g></pattern>`
  }).join('')
  return html`<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">
    <defs>${raw(defs)}</defs>
  </svg>`
}
