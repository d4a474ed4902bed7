import type { ChangeEvent } from '../domain/index.js'
import { isoDay } from '../domain/index.js'
import type { AppDeps } from '../http/env.js'
import type { EffectiveStatus } from '../diff/effective-status.js'
import type { RecordView } from '../diff/views.js'
import type { ListedPlace as StatusListItem } from '../read/status-view.js'
import { scraperProvenance } from '../scraping/provenance.js'
import type { UpcomingItem } from './data.js'
import { describeEvent, subjectName } from './describe.js'
import { html, type Html } from './html.js'
import { layout } from './layout.js'
import { renderUsMap, renderWorldMap, type RegionStatus } from './map.js'
import { webDataFor } from './respond.js'
import { STATUS_LOOK, STATUSES, statusBadge, statusClass } from './status-style.js'

/** One row of GET /jurisdictions asked with a subject: its effective status is always there. */
type ListedPlace = Required<Pick<StatusListItem, 'code' | 'name' | 'level' | 'parent' | 'status' | 'min_age' | 'decided_by'>>
const withStatus = (items: StatusListItem[]): ListedPlace[] => items.map((p) => ({ ...p, status: p.status ?? 'unknown', min_age: p.min_age ?? null, decided_by: p.decided_by ?? null }))

const link = (code: string, text: string | Html = code) => html`<a href="/j/${code}">${text}</a>`
// A source fed by a scraper whose parse was only ever tested on imitation pages says so (issue 11).
const SCRAPER_ID = /^[a-z0-9]+(?:-[a-z0-9]+)+/
const synthetic = (sourceId: string) => {
  const id = SCRAPER_ID.exec(sourceId)?.[0]
  return id && scraperProvenance(id).provenance === 'synthetic' ? html` <span class="meta synthetic-only">scraper tested on synthetic pages only, not yet on a real response</span>` : ''
}
const ext = (url: string | null, text: string) => (url ? html`<a href="${url}" rel="noopener nofollow">${text}</a>` : html`${text}`)
const ageText = (age: number | null) => (age === null ? '—' : `${age}+`)
const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`

function legend(): Html {
  return html`<ul class="legend" aria-label="Legend">${STATUSES.map(
    (s) => html`<li><svg viewBox="0 0 24 16" aria-hidden="true" focusable="false"><rect width="24" height="16" class="region ${statusClass(s)}"/></svg><span aria-hidden="true">${STATUS_LOOK[s].symbol}</span> ${STATUS_LOOK[s].label}</li>`,
  )}</ul>`
}

function subjectToggle(subjects: { id: string; name: string }[], current: string, href: (id: string) => string): Html {
  return html`<nav class="toggle" aria-label="Subject">${subjects.map(
    (s) => html`<a href="${href(s.id)}" data-subject="${s.id}"${s.id === current ? html` aria-current="page"` : ''}>${subjectName(s.id)}</a>`,
  )}</nav>`
}

function eventItem(event: ChangeEvent, names: Map<string, string>): Html {
  const d = describeEvent(event, names)
  return html`<li data-event-id="${event.id}"><strong>${event.jurisdiction ? link(event.jurisdiction, d.title) : d.title}</strong>
<div>${d.after ? statusBadge(d.after) : ''} ${d.detail}</div>
<div class="meta">${event.type} · recorded ${dateTime(event.detected_at)}${event.effective_date ? ` · effective ${event.effective_date}` : ''}${d.citation ? html` · citation: ${ext(d.sourceUrl, d.citation)}` : ''}</div></li>`
}

function upcomingList(items: UpcomingItem[]): Html {
  if (!items.length) return html`<p>No upcoming effective dates are recorded.</p>`
  return html`<ul>${items.map(
    (u) => html`<li><strong>${u.date}</strong> — ${link(u.jurisdiction, `${u.name} (${u.jurisdiction})`)}: ${u.kind === 'status' ? html`${subjectName(u.subject)} becomes ${statusBadge(u.status)}` : html`${ext(u.url, u.measure_id ?? '')} takes effect (${u.stage})`}${u.citation && u.kind === 'status' ? html` <span class="meta">${ext(u.url, u.citation)}</span>` : ''}</li>`,
  )}</ul>`
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
  const recent = data.latestEvents({ limit: 8 })
  const upcoming = data.upcoming({ today, limit: 10 })
  const names = data.names([...recent.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : [])), ...locals.flatMap((l) => (l.place.parent ? [l.place.parent] : []))])
  const region = (p: ListedPlace): RegionStatus => ({ status: p.status, note: p.min_age ? `minimum age ${p.min_age}` : undefined })
  const stateMap = new Map(states.map((p) => [p.code, region(p)]))
  const countryMap = new Map(countries.map((p) => [p.code, region(p)]))
  const stateNames = new Map(states.map((p) => [p.code, p.name]))
  const countryNames = new Map(countries.map((p) => [p.code, p.name]))
  const known = countries.filter((p) => p.status !== 'unknown')
  const name = subjectName(subject)
  const lastChange = recent[0]?.detected_at

  const placeRow = (p: ListedPlace) =>
    html`<tr data-code="${p.code}"><th scope="row">${link(p.code, p.name)}</th><td>${statusBadge(p.status)}</td><td>${ageText(p.min_age)}</td><td>${p.decided_by ? link(p.decided_by) : '—'}</td></tr>`

  const body = html`<h1>Is ${name} legal? Status by state and country</h1>
<p class="meta">Data as of <time datetime="${today}">${today}</time>${lastChange ? html` · last change recorded <time datetime="${lastChange}">${dateTime(lastChange)}</time>` : ''} · every status links to its citation and source.</p>
${subjectToggle(subjects, subject, (id) => `/?subject=${id}`)}
<p>Each place shows its <em>effective</em> status for ${name}: its own rule combined with its country's and state's, the most severe winning. Select a state or country for its citations, history and pending bills.</p>
${legend()}
<section aria-labelledby="us-h">
<h2 id="us-h">United States: ${name}</h2>
<figure>${renderUsMap(stateMap, stateNames, `Map of US states by the effective status of ${name}`)}
<figcaption class="meta">State labels show the postal code and status symbol; the table below lists every state.</figcaption></figure>
</section>
<section aria-labelledby="local-h">
<h2 id="local-h">Counties and cities with their own rules</h2>
<table><caption class="visually-hidden">Local jurisdictions and the effective status of ${name}</caption>
<thead><tr><th scope="col">Place</th><th scope="col">In</th><th scope="col">Effective status</th><th scope="col">Decided by</th></tr></thead>
<tbody>${locals.map(
    (l) => html`<tr data-code="${l.place.code}"><th scope="row">${link(l.place.code, l.place.name)} <span class="meta">${l.place.level}</span></th><td>${l.place.parent ? link(l.place.parent, names.get(l.place.parent) ?? l.place.parent) : ''}</td><td>${statusBadge(l.effective.status)}</td><td>${l.effective.decided_by ? link(l.effective.decided_by) : '—'}</td></tr>`,
  )}</tbody></table>
</section>
<section aria-labelledby="recent-h">
<div class="cols"><div>
<h2 id="recent-h">Recent changes</h2>
<ul>${recent.map((e) => eventItem(e, names))}</ul>
<p><a href="/changes.html">All changes</a> · <a href="/changes.atom">Atom feed</a></p>
</div><div>
<h2 id="upcoming-h">Upcoming effective dates</h2>
${upcomingList(upcoming)}
<p><a href="/calendar.ics">Subscribe to the calendar (iCalendar)</a></p>
</div></div>
</section>
<section aria-labelledby="us-table-h">
<h2 id="us-table-h">Table: US states and territories</h2>
<table id="us-table"><caption class="visually-hidden">Effective status of ${name} in every US state and territory</caption>
<thead><tr><th scope="col">State</th><th scope="col">Effective status</th><th scope="col">Minimum age</th><th scope="col">Decided by</th></tr></thead>
<tbody>${states.map(placeRow)}</tbody></table>
</section>
<section aria-labelledby="world-h">
<h2 id="world-h">World: ${name}</h2>
<figure>${renderWorldMap(countryMap, countryNames, `World map of countries by the status of ${name}`)}
<figcaption class="meta">Grey hatched countries have no recorded status (unknown), which does not mean legal.</figcaption></figure>
<h3 id="world-table-h">Countries with a recorded status</h3>
<table id="world-table"><caption class="visually-hidden">Countries with a recorded status for ${name}</caption>
<thead><tr><th scope="col">Country</th><th scope="col">Effective status</th><th scope="col">Minimum age</th><th scope="col">Decided by</th></tr></thead>
<tbody>${known.map(placeRow)}</tbody></table>
<p class="meta">${countries.length - known.length} other countries have no recorded status.</p>
</section>`
  return layout({
    title: `Is ${name} legal? — kratomwatch`,
    body,
    current: 'map',
    links: [{ rel: 'alternate', type: 'application/atom+xml', href: '/changes.atom', title: 'kratomwatch: all changes' }],
  })
}

function effectiveBlock(code: string, effective: EffectiveStatus): Html {
  return html`<dl class="facts">
<dt>Effective status</dt><dd class="big">${statusBadge(effective.status)}</dd>
<dt>Decided by</dt><dd>${effective.decided_by ? link(effective.decided_by) : 'no rule recorded anywhere in the chain'}${effective.decided_by && effective.decided_by !== code ? ' (a higher level)' : ''}</dd>
<dt>Minimum age</dt><dd>${ageText(effective.min_age)}${effective.min_age_by && effective.min_age_by !== code ? html` (set by ${link(effective.min_age_by)})` : ''}</dd>
<dt>Conditions</dt><dd>${effective.conditions.length ? html`<ul>${effective.conditions.map((c) => html`<li>${c}</li>`)}</ul>` : 'none recorded'}</dd>
<dt>Confidence</dt><dd>${effective.confidence ?? '—'}</dd>
</dl>
<table class="chain"><caption>How the status is decided (country → state → local)</caption>
<thead><tr><th scope="col">Place</th><th scope="col">Status there</th><th scope="col">Citation</th><th scope="col">In effect since</th><th scope="col">Counts?</th></tr></thead>
<tbody>${effective.chain.map(
    (l) => html`<tr><th scope="row">${link(l.code, l.name)} <span class="meta">${l.level}</span></th><td>${l.status ? statusBadge(l.status) : '—'}</td><td>${l.citation ? ext(l.source_url, l.citation) : '—'}</td><td>${l.effective_date ?? '—'}</td><td>${l.applied ? 'yes' : 'no'}<div class="meta">${l.note}</div></td></tr>`,
  )}</tbody></table>`
}

function ownBlock(name: string, own: RecordView | null, decidedBy: string | null): Html {
  if (!own) return html`<p>No rule is recorded for ${name} itself${decidedBy ? html`; the status above comes from ${link(decidedBy)}` : ''}.</p>`
  return html`<h3>${name}'s own rule</h3>
<p>${own.summary}</p>
<dl class="facts">
<dt>Status</dt><dd>${statusBadge(own.status)}</dd>
<dt>Citation</dt><dd class="citation">${ext(own.source_url, own.citation)}</dd>
<dt>In effect since</dt><dd>${own.effective_date ?? 'not stated'}${own.valid_to ? ` until ${own.valid_to}` : ''}</dd>
<dt>Sources</dt><dd><ul>${own.sources.map((s) => html`<li>${ext(s.url, s.url)} <span class="meta">(${s.trust}, ${s.source_id})</span>${synthetic(s.source_id)}</li>`)}</ul></dd>
<dt>Confidence</dt><dd>${own.confidence}</dd>
<dt>Last verified</dt><dd><time datetime="${own.verified_at}">${dateTime(own.verified_at)}</time></dd>
<dt>Recorded</dt><dd><time datetime="${own.recorded_at}">${dateTime(own.recorded_at)}</time></dd>
${own.preempts_local ? html`<dt>Preemption</dt><dd>This rule preempts local rules below it.</dd>` : ''}
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
  const childStatus = view.children.length <= 120 ? views.children(view.code, view.as_of).map((c) => ({ ...c, bySubject: subjects.map((s) => c.status[s.id]!) })) : []
  // Scheduled status changes are listed per subject above; here only measures that take effect later.
  const upcomingMeasures = view.measures.filter((m) => m.effective_date !== null && m.effective_date > view.as_of)
  const past = view.as_of !== today

  const body = html`<nav aria-label="Breadcrumb" class="meta">${[...view.ancestors.map((a) => html`${link(a.code, a.name)} › `)]}<span aria-current="page">${view.name}</span></nav>
<h1>${view.name} <span class="meta">(${view.code}, ${view.level})</span></h1>
${past ? html`<p class="note">Showing the law as it stood on <strong>${view.as_of}</strong>. <a href="/j/${view.code}">Show today</a>.</p>` : ''}
<form class="filters" method="get" action="/j/${view.code}"><label>Show the status on date <input type="date" name="at" value="${view.as_of}" max="9999-12-31"></label><button type="submit">Show</button></form>
<p class="meta">As of <time datetime="${view.as_of}">${view.as_of}</time>. Also as <a href="/jurisdictions/${view.code}${past ? `?at=${view.as_of}` : ''}">JSON</a> · <a href="/jurisdictions/${view.code}/changes.atom">Atom feed of changes</a> · <a href="/calendar.ics?jurisdiction=${view.code}&amp;include_descendants=true">calendar</a>.</p>
${subjects.map((s) => {
    const entry = view.subjects[s.id]!
    return html`<section class="subject" aria-labelledby="subj-${s.id}" data-subject="${s.id}" data-status="${entry.effective.status}">
<h2 id="subj-${s.id}">${subjectName(s.id)}</h2>
<p class="meta">${s.description}</p>
${effectiveBlock(view.code, entry.effective)}
${ownBlock(view.name, entry.own, entry.effective.decided_by)}
${entry.upcoming.length ? html`<h3>Scheduled changes</h3><ul>${entry.upcoming.map((u) => html`<li><strong>${u.effective_date}</strong>: becomes ${statusBadge(u.status)} — ${ext(u.source_url, u.citation)}</li>`)}</ul>` : ''}
${entry.timeline.length ? html`<h3>Timeline of ${view.name}'s own rules</h3><ol class="timeline">${entry.timeline.map((t) => html`<li>${t.valid_from ?? 'from the start'}${t.valid_to ? ` until ${t.valid_to}` : ''}: ${statusBadge(t.status)} ${t.scheduled ? '(scheduled)' : ''} <span class="meta">${t.citation}</span></li>`)}</ol>` : ''}
</section>`
  })}
<section aria-labelledby="measures-h">
<h2 id="measures-h">Bills and rules</h2>
${view.measures.length
    ? html`<table><thead><tr><th scope="col">Measure</th><th scope="col">Stage</th><th scope="col">Last action</th><th scope="col">Would make</th><th scope="col">Effective</th></tr></thead><tbody>${view.measures.map(
        (m) => html`<tr><th scope="row">${ext(m.url, m.id)}<div>${m.title}</div></th><td>${m.stage.replaceAll('_', ' ')}</td><td>${m.last_action ?? '—'}${m.last_action_date ? html` <span class="meta">(${m.last_action_date})</span>` : ''}</td><td>${m.proposed_effect ? html`${subjectName(m.proposed_effect.subject)} ${statusBadge(m.proposed_effect.status)}` : '—'}</td><td>${m.effective_date ?? '—'}</td></tr>`,
      )}</tbody></table>`
    : html`<p>No bills or rules are recorded for ${view.name}.</p>`}
${upcomingMeasures.length ? html`<h3>Measures taking effect later</h3><ul>${upcomingMeasures.map((m) => html`<li><strong>${m.effective_date}</strong>: ${ext(m.url, m.id)} — ${m.title}</li>`)}</ul>` : ''}
</section>
<section aria-labelledby="history-h">
<h2 id="history-h">History</h2>
${history.items.length ? html`<ol class="timeline" id="history">${history.items.map((e) => eventItem(e, names))}</ol>` : html`<p>No changes recorded for ${view.name} yet.</p>`}
${history.next_cursor ? html`<p><a href="/jurisdictions/${view.code}/history?cursor=${history.next_cursor}">Older changes (JSON)</a></p>` : ''}
</section>
${childStatus.length
    ? html`<section aria-labelledby="children-h"><h2 id="children-h">Places within ${view.name}</h2>
<table><thead><tr><th scope="col">Place</th>${subjects.map((s) => html`<th scope="col">${subjectName(s.id)}</th>`)}</tr></thead>
<tbody>${childStatus.map((c) => html`<tr data-code="${c.code}"><th scope="row">${link(c.code, c.name)}</th>${c.bySubject.map((st) => html`<td>${statusBadge(st)}</td>`)}</tr>`)}</tbody></table></section>`
    : ''}`
  return layout({
    title: `${view.name} (${view.code}): kratom and 7-OH status — kratomwatch`,
    body,
    links: [
      { rel: 'alternate', type: 'application/atom+xml', href: `/jurisdictions/${view.code}/changes.atom`, title: `Changes in ${view.name}` },
      { rel: 'alternate', type: 'application/json', href: `/jurisdictions/${view.code}`, title: 'JSON' },
    ],
  })
}

/** Filters of the /changes.html page, already validated. */
export interface ChangesPageFilter {
  jurisdiction?: string[]
  include_descendants?: boolean
  subject?: string
  type?: ChangeEvent['type'][]
  before?: number
  limit: number
}

/** The change feed page, newest first, with a filter form and paging by id. */
export function changesPage(deps: AppDeps, filter: ChangesPageFilter, codes: string[] | undefined, eventTypes: readonly string[]): string {
  const data = webDataFor(deps.stores)
  const events = data.latestEvents({ jurisdictions: codes, subject: filter.subject, types: filter.type, before: filter.before, limit: filter.limit })
  const names = data.names(events.flatMap((e) => (e.jurisdiction ? [e.jurisdiction] : [])))
  const subjects = deps.views.subjects()
  const params = new URLSearchParams()
  if (filter.jurisdiction) params.set('jurisdiction', filter.jurisdiction.join(','))
  if (filter.include_descendants) params.set('include_descendants', 'true')
  if (filter.subject) params.set('subject', filter.subject)
  if (filter.type) params.set('type', filter.type.join(','))
  const feedQuery = params.toString()
  const older = events.length === filter.limit ? events.at(-1)!.id : undefined
  if (older) params.set('before', String(older))
  if (filter.limit !== 50) params.set('limit', String(filter.limit))
  const selectedType = filter.type?.length === 1 ? filter.type[0] : undefined

  const body = html`<h1>Changes</h1>
<p>Every recorded change, newest first: status changes with their citation, scheduled changes, corrections, bills and scraper health.</p>
<form class="filters" method="get" action="/changes.html">
<label>Jurisdiction code(s) <input name="jurisdiction" value="${filter.jurisdiction?.join(',') ?? ''}" placeholder="US-LA, TH" autocomplete="off"></label>
<label><span><input type="checkbox" name="include_descendants" value="true"${filter.include_descendants ? html` checked` : ''}> include places within</span></label>
<label>Subject <select name="subject"><option value="">any</option>${subjects.map((s) => html`<option value="${s.id}"${s.id === filter.subject ? html` selected` : ''}>${subjectName(s.id)}</option>`)}</select></label>
<label>Type <select name="type"><option value="">any</option>${eventTypes.map((t) => html`<option value="${t}"${t === selectedType ? html` selected` : ''}>${t}</option>`)}</select></label>
<button type="submit">Filter</button>
</form>
<p class="meta">This view as an <a href="/changes.atom${feedQuery ? `?${feedQuery}` : ''}">Atom feed</a> or <a href="/changes${feedQuery ? `?${feedQuery}` : ''}">JSON</a>.</p>
${events.length ? html`<ol class="timeline" id="changes">${events.map((e) => eventItem(e, names))}</ol>` : html`<p>No changes match these filters.</p>`}
${older ? html`<p><a href="/changes.html?${params.toString()}" rel="next">Older changes</a></p>` : ''}`
  return layout({
    title: 'Changes — kratomwatch',
    body,
    current: 'changes',
    links: [{ rel: 'alternate', type: 'application/atom+xml', href: `/changes.atom${feedQuery ? `?${feedQuery}` : ''}`, title: 'These changes as Atom' }],
  })
}

/** An error page for browsers, from a problem+json body. */
export function errorPage(problem: { status: number; title: string; detail: string; errors?: { field: string; message: string }[] }): string {
  const body = html`<h1>${problem.status} ${problem.title}</h1>
<p>${problem.detail}</p>
${problem.errors?.length ? html`<ul>${problem.errors.map((e) => html`<li><strong>${e.field}</strong>: ${e.message}</li>`)}</ul>` : ''}
<p><a href="/">Back to the map</a></p>`
  return layout({ title: `${problem.title} — kratomwatch`, body })
}
