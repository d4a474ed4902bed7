import type { ChangeEvent } from '../domain/index.js'
import { isoDay } from '../domain/index.js'
import type { AppDeps } from '../http/env.js'
import type { EffectiveStatus } from '../diff/effective-status.js'
import type { OwnView, ListedPlace as StatusListItem } from '../read/status-view.js'
import { scraperProvenance } from '../scraping/provenance.js'
import type { UpcomingItem } from './data.js'
import { describeEvent, subjectName } from './describe.js'
import { html, type Html } from './html.js'
import { layout } from './layout.js'
import { renderUsMap, renderWorldMap, type MapPoint, type RegionStatus } from './map.js'
import { placeList } from './place-list.js'
import { webDataFor } from './respond.js'
import { STATUS_LOOK, STATUSES, UNCONFIRMED_TEXT, statusBadge, statusClass } from './status-style.js'

/** One row of GET /jurisdictions asked with a subject: its effective status is always there. */
type ListedPlace = Required<
  Pick<
    StatusListItem,
    'code' | 'name' | 'level' | 'parent' | 'status' | 'at_least' | 'min_age' | 'decided_by' | 'unconfirmed'
  >
>
const withStatus = (items: StatusListItem[]): ListedPlace[] =>
  items.map((p) => ({
    ...p,
    status: p.status ?? 'unknown',
    at_least: p.at_least ?? null,
    min_age: p.min_age ?? null,
    decided_by: p.decided_by ?? null,
    unconfirmed: p.unconfirmed ?? true,
  }))
const effectiveBadge = (e: {
  status: ListedPlace['status']
  at_least: ListedPlace['at_least']
  unconfirmed: boolean
}) => statusBadge(e.status, { atLeast: e.at_least, unconfirmed: e.unconfirmed })

const link = (code: string, text: string | Html = code) => html`<a href="/j/${code}">${text}</a>`
// A source fed by a scraper whose parse was only ever tested on imitation pages says so (issue 11).
const SCRAPER_ID = /^[a-z0-9]+(?:-[a-z0-9]+)+/
const synthetic = (sourceId: string) => {
  const id = SCRAPER_ID.exec(sourceId)?.[0]
  return id && scraperProvenance(id).provenance === 'synthetic'
    ? html` <span class="meta synthetic-only">scraper tested on synthetic pages only, not yet on a real response</span>`
    : ''
}
const ext = (url: string | null, text: string) =>
  url ? html`<a href="${url}" rel="noopener nofollow">${text}</a>` : html`${text}`
const ageText = (age: number | null) => (age === null ? '—' : `${age}+`)
const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`

function legend(): Html {
  return html`<ul class="legend" aria-label="Legend">
    ${STATUSES.map(
      (s) =>
        html`<li>
          <svg viewBox="0 0 24 16" aria-hidden="true" focusable="false">
            <rect width="24" height="16" class="region ${statusClass(s)}" /></svg
          ><span aria-hidden="true">${STATUS_LOOK[s].symbol}</span> ${STATUS_LOOK[s].label}
        </li>`,
    )}
    <li>
      <svg viewBox="0 0 24 16" aria-hidden="true" focusable="false" class="map">
        <rect x="1" y="1" width="22" height="14" class="region st-legal unconfirmed" />
      </svg>
      dotted outline: ${UNCONFIRMED_TEXT}
    </li>
  </ul>`
}

/** "Last checked against its source: <date>, by <scraper | review>", with a stale flag. */
function checkedText(own: { verified_at: string; verified_by: string | null; stale: boolean }): Html {
  const by =
    own.verified_by === 'review'
      ? 'a person reviewing the cited source'
      : own.verified_by
        ? html`scraper <a href="/scrapers/${own.verified_by}/runs">${own.verified_by}</a>`
        : 'not recorded'
  return html`<time datetime="${own.verified_at}">${own.verified_at.slice(0, 10)}</time>, by
    ${by}${own.stale ? html` <span class="stale">— stale: not re-checked within its horizon; treat with care</span>` : ''}`
}

function subjectToggle(subjects: { id: string; name: string }[], current: string, href: (id: string) => string): Html {
  return html`<nav class="toggle" aria-label="Subject">
    ${subjects.map(
      (s) =>
        html`<a href="${href(s.id)}" data-subject="${s.id}" ${s.id === current ? html` aria-current="page"` : ''}
          >${subjectName(s.id)}</a
        >`,
    )}
  </nav>`
}

function eventItem(event: ChangeEvent, names: Map<string, string>): Html {
  const d = describeEvent(event, names)
  return html`<li data-event-id="${event.id}">
    <strong>${event.jurisdiction ? link(event.jurisdiction, d.title) : d.title}</strong>
    <div>${d.after ? statusBadge(d.after) : ''} ${d.detail}</div>
    <div class="meta">
      ${event.type} · recorded
      ${dateTime(event.detected_at)}${event.effective_date ? ` · effective ${event.effective_date}` : ''}${d.citation ? html` · citation: ${ext(d.sourceUrl, d.citation)}` : ''}
    </div>
  </li>`
}

function upcomingList(items: UpcomingItem[]): Html {
  if (!items.length) return html`<p>No upcoming effective dates are recorded.</p>`
  return html`<ul>
    ${items.map(
      (u) =>
        html`<li>
          <strong>${u.date}</strong> — ${link(u.jurisdiction, `${u.name} (${u.jurisdiction})`)}:
          ${u.kind === 'status' ? html`${subjectName(u.subject)} becomes ${statusBadge(u.status)}` : html`${ext(u.url, u.measure_id ?? '')} takes effect (${u.stage})`}${u.citation && u.kind === 'status' ? html` <span class="meta">${ext(u.url, u.citation)}</span>` : ''}
        </li>`,
    )}
  </ul>`
}

/** The home page: the US and world maps for one subject, legend, tables, recent changes and upcoming dates. */
export function homePage(deps: AppDeps, subject: string): string {
  const { views, stores, clock } = deps
  const data = webDataFor(stores)
  const today = isoDay(clock())
  const subjects = views.subjects()
  const states = withStatus(views.list({ level: 'state', parent: 'US', subject, limit: 500 }).items)
  const countries = withStatus(views.list({ level: 'country', subject, limit: 500 }).items)
  const locals = stores.jurisdictions
    .all()
    .filter((p) => p.origin === 'dataset')
    .map((p) => ({ place: p, effective: views.effective(p.code, subject)! }))
  const recent = data.changesInLaw({ until: today, limit: 8 })
  const upcoming = data.upcoming({ today, limit: 10 })
  const names = data.names([
    ...recent.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : [])),
    ...locals.flatMap((l) => (l.place.parent ? [l.place.parent] : [])),
  ])
  const details = mapDetails(deps, [...states, ...countries], subject)
  const region = (p: Pick<ListedPlace, 'code' | 'status' | 'at_least' | 'unconfirmed' | 'min_age'>): RegionStatus => ({
    status: p.status,
    atLeast: p.at_least,
    unconfirmed: p.unconfirmed,
    note: p.min_age ? `minimum age ${p.min_age}` : undefined,
    ...details.get(p.code),
  })
  const stateMap = new Map(states.map((p) => [p.code, region(p)]))
  const countryMap = new Map(countries.map((p) => [p.code, region(p)]))
  const stateNames = new Map(states.map((p) => [p.code, p.name]))
  const points: MapPoint[] = locals.flatMap(({ place, effective }) =>
    place.lat !== null && place.lon !== null && (place.level === 'county' || place.level === 'city')
      ? [
          {
            code: place.code,
            name: place.name,
            level: place.level,
            lat: place.lat,
            lon: place.lon,
            ...region({ ...effective, code: place.code }),
          },
        ]
      : [],
  )
  const countryNames = new Map(countries.map((p) => [p.code, p.name]))
  const known = countries.filter((p) => p.status !== 'unknown')
  const name = subjectName(subject)
  const lastChange = data.latestEvents({ limit: 1 })[0]?.detected_at

  const placeRow = (p: ListedPlace) =>
    html`<tr data-code="${p.code}">
      <th scope="row">${link(p.code, p.name)}</th>
      <td data-label="Effective status">${effectiveBadge(p)}</td>
      <td data-label="Minimum age">${ageText(p.min_age)}</td>
      <td data-label="Decided by">${p.decided_by ? link(p.decided_by) : '—'}</td>
    </tr>`

  const body = html`<h1>Is ${name} legal? Status by state and country</h1>
    <p class="meta">
      Data as of
      <time datetime="${today}">${today}</time
      >${lastChange ? html` · last change recorded <time datetime="${lastChange}">${dateTime(lastChange)}</time>` : ''}
      · every status links to its citation and source.
    </p>
    ${subjectToggle(subjects, subject, (id) => `/?subject=${id}`)}
    <p>
      Each place shows its <em>effective</em> status for ${name}: its own rule combined with its country's and state's,
      the most severe winning. Where a level's own rule is unconfirmed, the answer is <strong>Unknown</strong> with what
      is known at least, never "legal". Select a state or country for its citations, history and pending bills.
    </p>
    ${legend()}
    <section aria-labelledby="us-h">
      <h2 id="us-h">United States: ${name}</h2>
      <figure>
        ${renderUsMap(stateMap, stateNames, `Map of US states by the effective status of ${name}`, points)}
        <figcaption class="meta">
          State labels show the postal code and status symbol; small states are labelled at the right; circles are
          cities and squares counties with rules of their own.
          <svg class="marker-key" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
            <circle class="pending-marker" cx="6" cy="6" r="4.5" />
          </svg>
          marks a pending bill or rule. Hover or focus a state for its status, since when, minimum age, confidence and
          pending measures; the list below says the same.
        </figcaption>
      </figure>
      <h3 id="us-list-h">List view: every US state and territory</h3>
      ${placeList(
        'us-list',
        states.map((p) => ({
          code: p.code,
          name: p.name,
          status: p.status,
          atLeast: p.at_least,
          unconfirmed: p.unconfirmed,
          since: details.get(p.code)?.since ?? null,
          minAge: p.min_age,
          decidedBy: p.decided_by,
          pending: details.get(p.code)?.pending ?? [],
        })),
        `US states and territories, with the effective status of ${name}`,
      )}
    </section>
    <section aria-labelledby="local-h">
      <h2 id="local-h">Counties and cities with their own rules</h2>
      <table class="stack" id="local-table">
        <caption class="visually-hidden">
          Local jurisdictions and the effective status of ${name}
        </caption>
        <thead>
          <tr>
            <th scope="col">Place</th>
            <th scope="col">In</th>
            <th scope="col">Effective status</th>
            <th scope="col">Decided by</th>
          </tr>
        </thead>
        <tbody>
          ${locals.map(
            (l) =>
              html`<tr data-code="${l.place.code}">
                <th scope="row">${link(l.place.code, l.place.name)} <span class="meta">${l.place.level}</span></th>
                <td data-label="In">
                  ${l.place.parent ? link(l.place.parent, names.get(l.place.parent) ?? l.place.parent) : ''}
                </td>
                <td data-label="Effective status">${effectiveBadge(l.effective)}</td>
                <td data-label="Decided by">${l.effective.decided_by ? link(l.effective.decided_by) : '—'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="recent-h">
      <div class="cols">
        <div>
          <h2 id="recent-h">Recent changes in law</h2>
          <p class="meta">Newest first by the date the law changed.</p>
          <ul>
            ${recent.map((e) => eventItem(e, names))}
          </ul>
          <p><a href="/changes.html">All changes</a> · <a href="/changes.atom">Atom feed</a></p>
        </div>
        <div>
          <h2 id="upcoming-h">Upcoming effective dates</h2>
          ${upcomingList(upcoming)}
          <p><a href="/calendar.ics">Subscribe to the calendar (iCalendar)</a></p>
        </div>
      </div>
    </section>
    <section aria-labelledby="world-h">
      <h2 id="world-h">World: ${name}</h2>
      <figure>
        ${renderWorldMap(countryMap, countryNames, `World map of countries by the status of ${name}`)}
        <figcaption class="meta">
          Grey hatched countries have no recorded status (unknown), which does not mean legal.
        </figcaption>
      </figure>
      <h3 id="world-table-h">Countries with a recorded status</h3>
      <table id="world-table" class="stack">
        <caption class="visually-hidden">
          Countries with a recorded status for ${name}
        </caption>
        <thead>
          <tr>
            <th scope="col">Country</th>
            <th scope="col">Effective status</th>
            <th scope="col">Minimum age</th>
            <th scope="col">Decided by</th>
          </tr>
        </thead>
        <tbody>
          ${known.map(placeRow)}
        </tbody>
      </table>
      <p class="meta">${countries.length - known.length} other countries have no recorded status.</p>
    </section>`
  return layout({
    title: `Is ${name} legal? — kratomwatch`,
    body,
    current: 'map',
    links: [
      { rel: 'alternate', type: 'application/atom+xml', href: '/changes.atom', title: 'kratomwatch: all changes' },
    ],
  })
}

/** Pending measures are those still moving: not yet enacted, final, failed, vetoed or withdrawn. */
const PENDING_STAGES = new Set(['introduced', 'passed_chamber', 'passed_legislature', 'proposed_rule'])

/** For the map titles and list: since when, the confidence and the pending measures of each place (for one subject). */
function mapDetails(
  deps: AppDeps,
  places: { code: string }[],
  subject: string,
): Map<string, Pick<RegionStatus, 'since' | 'confidence' | 'pending'>> {
  const out = new Map<string, Pick<RegionStatus, 'since' | 'confidence' | 'pending'>>()
  for (const p of places) {
    // Only what the map's titles need: a whole place view per state and country cost ~0.7 s per page build.
    const effective = deps.views.effectiveSince(p.code, subject)
    if (!effective) continue
    const pending = deps.stores.measures
      .forJurisdiction(p.code)
      .filter((m) => PENDING_STAGES.has(m.stage) && (!m.proposed_effect || m.proposed_effect.subject === subject))
      .map((m) => m.id)
    out.set(p.code, { since: effective.since, confidence: effective.confidence, pending })
  }
  return out
}

function effectiveBlock(code: string, effective: EffectiveStatus & { since: string | null }): Html {
  return html`<dl class="facts">
      <dt>Effective status</dt>
      <dd class="big">${effectiveBadge(effective)}</dd>
      <dt>Why</dt>
      <dd>
        ${effective.explanation}${effective.unconfirmed && effective.status !== 'unknown' ? html` <span class="meta">(${UNCONFIRMED_TEXT})</span>` : ''}
      </dd>
      <dt>Since</dt>
      <dd>${effective.since ?? 'before any recorded change'}</dd>
      <dt>Decided by</dt>
      <dd>
        ${effective.decided_by ? link(effective.decided_by) : effective.unknown_at.length ? html`unconfirmed at ${effective.unknown_at.map((c) => link(c))}` : 'no rule recorded anywhere in the chain'}${effective.decided_by && effective.decided_by !== code ? ' (a higher level)' : ''}
      </dd>
      <dt>Minimum age</dt>
      <dd>
        ${ageText(effective.min_age)}${effective.min_age_by && effective.min_age_by !== code ? html` (set by ${link(effective.min_age_by)})` : ''}
      </dd>
      <dt>Conditions</dt>
      <dd>
        ${
          effective.conditions.length
            ? html`<ul>
                ${effective.conditions.map((c) => html`<li>${c}</li>`)}
              </ul>`
            : 'none recorded'
        }
      </dd>
      <dt>Confidence</dt>
      <dd>${effective.confidence ?? '—'}</dd>
    </dl>
    <table class="chain stack">
      <caption>
        How the status is decided (country → state → local)
      </caption>
      <thead>
        <tr>
          <th scope="col">Place</th>
          <th scope="col">Status there</th>
          <th scope="col">Citation</th>
          <th scope="col">In effect since</th>
          <th scope="col">Counts?</th>
        </tr>
      </thead>
      <tbody>
        ${effective.chain.map(
          (l) =>
            html`<tr>
              <th scope="row">${link(l.code, l.name)} <span class="meta">${l.level}</span></th>
              <td data-label="Status there">${l.status ? statusBadge(l.status) : '—'}</td>
              <td data-label="Citation">${l.citation ? ext(l.source_url, l.citation) : '—'}</td>
              <td data-label="In effect since">${l.effective_date ?? '—'}</td>
              <td data-label="Counts?">
                ${l.applied ? 'yes' : 'no'}
                <div class="meta">${l.note}</div>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`
}

function ownBlock(name: string, own: OwnView | null, decidedBy: string | null): Html {
  if (!own)
    return html`<p>
      No rule is recorded for ${name} itself${decidedBy ? html`; the status above comes from ${link(decidedBy)}` : ''}.
    </p>`
  return html`<h3>${name}'s own rule</h3>
    <p>${own.summary}</p>
    <dl class="facts">
      <dt>Status</dt>
      <dd>${statusBadge(own.status)}</dd>
      <dt>Citation</dt>
      <dd class="citation">${ext(own.source_url, own.citation)}</dd>
      <dt>In effect since</dt>
      <dd>${own.effective_date ?? 'not stated'}${own.valid_to ? ` until ${own.valid_to}` : ''}</dd>
      <dt>Sources</dt>
      <dd>
        ${
          own.sources.length
            ? html`<ul>
                ${own.sources.map((s) => html`<li><span class="kind kind-${s.kind}">${s.kind}</span> ${ext(s.url, s.title ?? s.url)} <span class="meta">(read by ${s.source_id})</span>${synthetic(s.source_id)}</li>`)}
              </ul>`
            : 'none: see the note'
        }
      </dd>
      <dt>Confidence</dt>
      <dd>${own.confidence}</dd>
      <dt>Last checked against its source</dt>
      <dd>${checkedText(own)}</dd>
      <dt>Recorded</dt>
      <dd><time datetime="${own.recorded_at}">${dateTime(own.recorded_at)}</time></dd>
      ${
        own.preempts_local
          ? html`<dt>Preemption</dt>
              <dd>This rule preempts local rules below it.</dd>`
          : ''
      }
    </dl>`
}

/** The page of one place: effective and own status per subject with the chain, measures, history; `at` shows the past. */
export function jurisdictionPage(deps: AppDeps, code: string, at: string | undefined): string | undefined {
  const { views, stores, clock } = deps
  const view = views.jurisdiction(code, at)
  if (!view) return undefined
  const data = webDataFor(stores)
  const today = isoDay(clock())
  const history = stores.events.forJurisdiction(view.code, { limit: 50 })
  const names = data.names(history.items.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : [])))
  const subjects = views.subjects()
  const childStatus =
    view.children.length <= 120
      ? views.children(view.code, view.as_of).map((c) => ({ ...c, bySubject: subjects.map((s) => c.status[s.id]!) }))
      : []
  // Scheduled status changes are listed per subject above; here only measures that take effect later.
  const upcomingMeasures = view.measures.filter((m) => m.effective_date !== null && m.effective_date > view.as_of)
  const past = view.as_of !== today

  const body = html`<nav aria-label="Breadcrumb" class="meta">
      ${[...view.ancestors.map((a) => html`${link(a.code, a.name)} › `)]}<span aria-current="page">${view.name}</span>
    </nav>
    <h1>${view.name} <span class="meta">(${view.code}, ${view.level})</span></h1>
    ${past ? html`<p class="note">Showing the law as it stood on <strong>${view.as_of}</strong>. <a href="/j/${view.code}">Show today</a>.</p>` : ''}
    <form class="filters" method="get" action="/j/${view.code}">
      <label>Show the status on date <input type="date" name="at" value="${view.as_of}" max="9999-12-31" /></label
      ><button type="submit">Show</button>
    </form>
    <p class="meta">
      As of <time datetime="${view.as_of}">${view.as_of}</time>. Also as
      <a href="/jurisdictions/${view.code}${past ? `?at=${view.as_of}` : ''}">JSON</a> ·
      <a href="/jurisdictions/${view.code}/changes.atom">Atom feed of changes</a> ·
      <a href="/calendar.ics?jurisdiction=${view.code}&amp;include_descendants=true">calendar</a>.
    </p>
    ${subjects.map((s) => {
      const entry = view.subjects[s.id]!
      return html`<section
        class="subject"
        aria-labelledby="subj-${s.id}"
        data-subject="${s.id}"
        data-status="${entry.effective.status}"
      >
        <h2 id="subj-${s.id}">${subjectName(s.id)}</h2>
        <p class="meta">${s.description}</p>
        ${effectiveBlock(view.code, entry.effective)} ${ownBlock(view.name, entry.own, entry.effective.decided_by)}
        ${
          entry.upcoming.length
            ? html`<h3>Scheduled changes</h3>
                <ul>
                  ${entry.upcoming.map((u) => html`<li><strong>${u.effective_date}</strong>: becomes ${statusBadge(u.status)} — ${ext(u.source_url, u.citation)}</li>`)}
                </ul>`
            : ''
        }
        ${
          entry.timeline.length
            ? html`<h3>Timeline of ${view.name}'s own rules</h3>
                <ol class="timeline">
                  ${entry.timeline.map((t) => html`<li>${t.valid_from ?? 'from the start'}${t.valid_to ? ` until ${t.valid_to}` : ''}: ${statusBadge(t.status)} ${t.scheduled ? '(scheduled)' : ''} <span class="meta">${t.citation}</span></li>`)}
                </ol>`
            : ''
        }
      </section>`
    })}
    <section aria-labelledby="measures-h">
      <h2 id="measures-h">Bills and rules</h2>
      ${
        view.measures.length
          ? html`<table class="stack">
              <thead>
                <tr>
                  <th scope="col">Measure</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Last action</th>
                  <th scope="col">Would make</th>
                  <th scope="col">Effective</th>
                </tr>
              </thead>
              <tbody>
                ${view.measures.map(
                  (m) =>
                    html`<tr>
                      <th scope="row">
                        ${ext(m.url, m.id)}
                        <div>${m.title}</div>
                      </th>
                      <td data-label="Stage">${m.stage.replaceAll('_', ' ')}</td>
                      <td data-label="Last action">
                        ${m.last_action ?? '—'}${m.last_action_date ? html` <span class="meta">(${m.last_action_date})</span>` : ''}
                      </td>
                      <td data-label="Would make">
                        ${m.proposed_effect ? html`${subjectName(m.proposed_effect.subject)} ${statusBadge(m.proposed_effect.status)}` : '—'}
                      </td>
                      <td data-label="Effective">${m.effective_date ?? '—'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>No bills or rules are recorded for ${view.name}.</p>`
      }
      ${
        upcomingMeasures.length
          ? html`<h3>Measures taking effect later</h3>
              <ul>
                ${upcomingMeasures.map((m) => html`<li><strong>${m.effective_date}</strong>: ${ext(m.url, m.id)} — ${m.title}</li>`)}
              </ul>`
          : ''
      }
    </section>
    <section aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      ${
        history.items.length
          ? html`<ol class="timeline" id="history">
              ${history.items.map((e) => eventItem(e, names))}
            </ol>`
          : html`<p>No changes recorded for ${view.name} yet.</p>`
      }
      ${history.next_cursor ? html`<p><a href="/jurisdictions/${view.code}/history?cursor=${history.next_cursor}">Older changes (JSON)</a></p>` : ''}
    </section>
    ${
      childStatus.length
        ? html`<section aria-labelledby="children-h">
            <h2 id="children-h">Places within ${view.name}</h2>
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">Place</th>
                  ${subjects.map((s) => html`<th scope="col">${subjectName(s.id)}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${childStatus.map(
                  (c) =>
                    html`<tr data-code="${c.code}">
                      <th scope="row">${link(c.code, c.name)}</th>
                      ${c.bySubject.map((st, i) => html`<td data-label="${subjectName(subjects[i]!.id)}">${statusBadge(st)}</td>`)}
                    </tr>`,
                )}
              </tbody>
            </table>
          </section>`
        : ''
    }`
  return layout({
    title: `${view.name} (${view.code}): kratom and 7-OH status — kratomwatch`,
    body,
    links: [
      {
        rel: 'alternate',
        type: 'application/atom+xml',
        href: `/jurisdictions/${view.code}/changes.atom`,
        title: `Changes in ${view.name}`,
      },
      { rel: 'alternate', type: 'application/json', href: `/jurisdictions/${view.code}`, title: 'JSON' },
    ],
  })
}

/** Filters of the /changes.html page, already validated. */
export interface ChangesPageFilter {
  view: 'law' | 'all'
  jurisdiction?: string[]
  include_descendants?: boolean
  subject?: string
  type?: ChangeEvent['type'][]
  effective_from?: string
  effective_to?: string
  detected_from?: string
  detected_to?: string
  before?: number
  offset?: number
  limit: number
}

/**
 * The change feed page. By default the changes in law, newest first by the date the law changed;
 * `view=all` lists every recorded event (details updates, bills, scraper health) by when it was recorded.
 */
export function changesPage(
  deps: AppDeps,
  filter: ChangesPageFilter,
  codes: string[] | undefined,
  eventTypes: readonly string[],
): string {
  const data = webDataFor(deps.stores)
  const common = {
    jurisdictions: codes,
    subject: filter.subject,
    types: filter.type,
    effective_from: filter.effective_from,
    effective_to: filter.effective_to,
    detected_from: filter.detected_from,
    detected_to: filter.detected_to,
    limit: filter.limit,
  }
  const law = filter.view === 'law'
  const events = law
    ? data.changesInLaw({ ...common, offset: filter.offset })
    : data.latestEvents({ ...common, before: filter.before })
  const names = data.names(events.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : [])))
  const subjects = deps.views.subjects()
  const params = new URLSearchParams()
  if (!law) params.set('view', 'all')
  if (filter.jurisdiction) params.set('jurisdiction', filter.jurisdiction.join(','))
  if (filter.include_descendants) params.set('include_descendants', 'true')
  if (filter.subject) params.set('subject', filter.subject)
  if (filter.type) params.set('type', filter.type.join(','))
  for (const key of ['effective_from', 'effective_to', 'detected_from', 'detected_to'] as const)
    if (filter[key]) params.set(key, filter[key])
  const feed = new URLSearchParams(params)
  feed.delete('view')
  if (law) feed.set('changes_in_law', 'true')
  const feedQuery = feed.toString()
  const full = events.length === filter.limit
  if (full && law) params.set('offset', String((filter.offset ?? 0) + filter.limit))
  if (full && !law) params.set('before', String(events.at(-1)!.id))
  if (filter.limit !== 50) params.set('limit', String(filter.limit))
  const selectedType = filter.type?.length === 1 ? filter.type[0] : undefined
  const dateField = (name: string, label: string, value: string | undefined) =>
    html`<label>${label} <input type="date" name="${name}" value="${value ?? ''}" /></label>`

  const body = html`<h1>${law ? 'Changes in law' : 'Every recorded change'}</h1>
    <p>
      ${
        law
          ? html`Changes in the law, newest first by the date the law changed: bans, new rules, repeals and corrections,
              each with its citation. A place's first undated row (what was known when tracking began) is not a change.
              <a href="/changes.html?view=all">Show every recorded event</a> (details updates, bills, scraper health).`
          : html`Every recorded event, newest recorded first: status changes, scheduled changes, corrections, details
              updates, bills and scraper health. <a href="/changes.html">Show changes in law only</a>.`
      }
    </p>
    <form class="filters" method="get" action="/changes.html">
      ${law ? '' : html`<input type="hidden" name="view" value="all" />`}
      <label
        >Jurisdiction code(s)
        <input
          name="jurisdiction"
          value="${filter.jurisdiction?.join(',') ?? ''}"
          placeholder="US-LA, TH"
          autocomplete="off"
      /></label>
      <label
        ><span
          ><input
            type="checkbox"
            name="include_descendants"
            value="true"
            ${filter.include_descendants ? html` checked` : ''}
          />
          include places within</span
        ></label
      >
      <label
        >Subject
        <select name="subject">
          <option value="">any</option>
          ${subjects.map((s) => html`<option value="${s.id}" ${s.id === filter.subject ? html` selected` : ''}>${subjectName(s.id)}</option>`)}
        </select></label
      >
      ${
        law
          ? ''
          : html`<label
              >Type
              <select name="type">
                <option value="">any</option>
                ${eventTypes.map((t) => html`<option value="${t}" ${t === selectedType ? html` selected` : ''}>${t}</option>`)}
              </select></label
            >`
      }
      ${dateField('effective_from', 'Law changed from', filter.effective_from)}${dateField('effective_to', 'to', filter.effective_to)}
      ${dateField('detected_from', 'Detected from', filter.detected_from)}${dateField('detected_to', 'to', filter.detected_to)}
      <button type="submit">Filter</button>
    </form>
    <p class="meta">
      This view as an <a href="/changes.atom${feedQuery ? `?${feedQuery}` : ''}">Atom feed</a> or
      <a href="/changes${feedQuery ? `?${feedQuery}` : ''}">JSON</a>. Upcoming dates: <a href="/upcoming">JSON</a> ·
      <a href="/calendar.ics">calendar</a>.
    </p>
    ${
      events.length
        ? html`<ol class="timeline" id="changes">
            ${events.map((e) => eventItem(e, names))}
          </ol>`
        : html`<p>No changes match these filters.</p>`
    }
    ${full ? html`<p><a href="/changes.html?${params.toString()}" rel="next">${law ? 'Earlier changes' : 'Older changes'}</a></p>` : ''}`
  return layout({
    title: `${law ? 'Changes in law' : 'Changes'} — kratomwatch`,
    body,
    current: 'changes',
    links: [
      {
        rel: 'alternate',
        type: 'application/atom+xml',
        href: `/changes.atom${feedQuery ? `?${feedQuery}` : ''}`,
        title: 'These changes as Atom',
      },
    ],
  })
}

/** An error page for browsers, from a problem+json body. */
export function errorPage(problem: {
  status: number
  title: string
  detail: string
  errors?: { field: string; message: string }[]
}): string {
  const body = html`<h1>${problem.status} ${problem.title}</h1>
    <p>${problem.detail}</p>
    ${
      problem.errors?.length
        ? html`<ul>
            ${problem.errors.map((e) => html`<li><strong>${e.field}</strong>: ${e.message}</li>`)}
          </ul>`
        : ''
    }
    <p><a href="/">Back to the map</a></p>`
  return layout({ title: `${problem.title} — kratomwatch`, body })
}
