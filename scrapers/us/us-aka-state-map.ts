import { defineScraper, expectRows, isoDate, statusRules, text, UnknownValueError } from '#sdk'

/** American Kratom Association "AKA In Your State" map (advocacy, secondary): a state list rendered by JavaScript. */

const PAGE_URL = 'https://www.americankratom.org/advocacy/aka-in-your-state.html'

// Every label seen on the map (2026-11). An unseen one throws: a new category reaches a human.
const statusOf = statusRules({
  banned: 'banned',
  'kcpa passed': 'regulated',
})

// The states this scraper reports; the map lists more, which are ignored until reviewed here.
const STATES: Record<string, string> = { AL: 'US-AL', AR: 'US-AR', GA: 'US-GA', TX: 'US-TX', UT: 'US-UT' }

export default defineScraper({
  id: 'us-aka-state-map',
  title: 'American Kratom Association state map (advocacy source, secondary)',
  jurisdictions: Object.values(STATES),
  trust: 'secondary',
  // 07:45 UTC on Mondays: an advocacy page changes rarely; weekly is enough for cross-checks (2026-11).
  schedule: '45 7 * * 1',
  parserVersion: '1',
  sources: {
    // The list is built client-side after load (no state markup in the HTML, seen 2026-11).
    map: { kind: 'browser', url: PAGE_URL, waitFor: '#aka-states li' },
  },
  parse({ map }) {
    return expectRows(map.$, '#aka-states li[data-state]', 'state list entries')
      .filter((li) => STATES[li.attr('data-state') ?? ''])
      .map((li) => {
        const label = text(li.find('.state-status'))
        const status = statusOf(label)
        const detail = text(li.find('.state-detail'))
        const age = /Age (\d+)\+/.exec(detail)
        if (status === 'regulated' && !age)
          throw new UnknownValueError(
            `no "Age N+" in the detail "${detail}" of ${li.attr('data-state')}; check the map.`,
          )
        return {
          kind: 'status' as const,
          jurisdiction: STATES[li.attr('data-state')!]!,
          subject: 'kratom',
          status,
          min_age: age ? Number(age[1]) : null,
          citation: `American Kratom Association state map: "${label}"${detail ? ` (${detail})` : ''}, updated ${isoDate(li.find('time').attr('datetime') ?? text(li.find('time')))}`,
          summary: `${text(li.find('.state-name'))}: ${label}${detail ? `, ${detail}` : ''} (advocacy map).`,
          source_url: PAGE_URL,
          // An advocacy map summarises; it does not cite the law.
          confidence: 'medium' as const,
          evidence: {
            text: ['.state-name', '.state-status', '.state-detail', 'time'].map((c) => text(li.find(c))).join(' | '),
            selector: `#aka-states li[data-state="${li.attr('data-state')}"]`,
          },
        }
      })
  },
})
