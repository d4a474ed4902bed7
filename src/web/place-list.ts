import type { Status } from '../domain/index.js'
import { html, type Html } from './html.js'
import { statusBadge } from './status-style.js'

/** One place of a map's list view. */
export interface PlaceListItem {
  code: string
  name: string
  status: Status
  atLeast: Status | null
  unconfirmed: boolean
  /** First day of the current effective status; null when it holds from before any recorded change. */
  since: string | null
  minAge: number | null
  /** The level whose rule decides the answer, when known. */
  decidedBy: string | null
  /** Pending bills or rules here (ids). */
  pending: string[]
}

/**
 * The map as a list, for phones and screen readers: one large tap target per place with its status, since when,
 * minimum age and pending bills, in the map's order of names.
 */
export function placeList(id: string, items: PlaceListItem[], label: string): Html {
  return html`<ul class="place-list" id="${id}" aria-label="${label}">
    ${items.map(
      (p) =>
        html`<li data-code="${p.code}">
          <a href="/j/${p.code}"
            ><span class="pl-name">${p.name} <span class="meta">${p.code}</span></span>
            ${statusBadge(p.status, { atLeast: p.atLeast, unconfirmed: p.unconfirmed })}
            <span class="pl-facts"
              >${p.since ? `since ${p.since}` : 'no dated change'}${p.minAge ? ` · ${p.minAge}+` : ''}${p.decidedBy && p.decidedBy !== p.code ? ` · set by ${p.decidedBy}` : ''}${p.pending.length ? html` · <strong class="pl-pending">${p.pending.length} pending ${p.pending.length === 1 ? 'bill' : 'bills'}</strong>` : ''}</span
            ></a
          >
        </li>`,
    )}
  </ul>`
}
