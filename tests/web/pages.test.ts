import * as cheerio from 'cheerio'
import { describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { StatusObservation } from '../../src/domain/index.js'
import { createStatusViews } from '../../src/read/status-view.js'
import { testApp, testDb } from '../helpers/db.js'

function baselineApp() {
  const t = testDb()
  loadBaseline(t.stores, t.engine, undefined, t.clock)
  return { ...testApp(t), views: createStatusViews(t.stores, t.clock) }
}

async function page(app: ReturnType<typeof testApp>['app'], url: string, status = 200) {
  const res = await app.request(url)
  expect(res.status, url).toBe(status)
  expect(res.headers.get('content-type')).toContain('text/html')
  const body = await res.text()
  return { res, body, $: cheerio.load(body) }
}

/** Every stylesheet, script, image and form on the page stays on this origin. */
function expectOnlyLocalAssets($: cheerio.CheerioAPI) {
  expect($('script').length).toBe(0)
  const refs = [
    ...$('link[href]').map((_, el) => $(el).attr('href')!),
    ...$('img[src]').map((_, el) => $(el).attr('src')!),
    ...$('form[action]').map((_, el) => $(el).attr('action')!),
  ]
  for (const ref of refs) expect(ref, ref).toMatch(/^(\/|data:)/)
}

describe('GET /', () => {
  it('renders both maps with every state, a legend and a list, under 280 kB, without scripts', async () => {
    const { app, views } = baselineApp()
    const { res, body, $ } = await page(app, '/')
    // 280 kB (about 45 kB gzipped): the two maps with a full title per place, local rules as points, the list view
    // and the tables.
    expect(Buffer.byteLength(body)).toBeLessThan(280_000)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expectOnlyLocalAssets($)
    const regions = $('svg.map-us path.region')
    // Expected from the jurisdictions, not from the map's own shapes: the 50 states and DC (the Albers map has no territories).
    const statesAndDc = views
      .list({ parent: 'US', limit: 500 })
      .items.map((p) => p.code)
      .filter((code) => !['US-AS', 'US-GU', 'US-MP', 'US-PR', 'US-UM', 'US-VI'].includes(code))
    expect(statesAndDc).toHaveLength(51)
    expect(
      regions
        .map((_, el) => $(el).attr('data-code'))
        .get()
        .sort(),
    ).toEqual(statesAndDc.sort())
    for (const el of regions.toArray()) {
      const code = $(el).attr('data-code')!
      const effective = views.effective(code, 'kratom')!
      const expected = effective.status
      expect($(el).attr('class'), code).toBe(
        `region st-${expected}${effective.unconfirmed && expected !== 'unknown' ? ' unconfirmed' : ''}`,
      )
      // Colour is not the only signal: every region has a title and a labelled link.
      expect($(el).find('title').text()).toContain(
        expected === 'unknown' ? 'Unknown' : expected.charAt(0).toUpperCase() + expected.slice(1),
      )
      expect($(el).parent('a').attr('href')).toBe(`/j/${code}`)
    }
    expect($('svg.map-world path.region[data-code="TH"]').length).toBe(1)
    expect($('svg.map-world path.region').length).toBeGreaterThan(170)
    expect($('.legend li').length).toBe(6)
    expect($('.legend').text()).toContain('dotted outline: unconfirmed')
    expect($('#us-list li').length).toBeGreaterThanOrEqual(51)
    expect($('tr[data-code="US-CA-SAN-DIEGO"] .badge').attr('class')).toContain(
      `st-${views.effective('US-CA-SAN-DIEGO', 'kratom')!.status}`,
    )
  })

  it('shows the chosen subject and refuses an unknown one with an HTML error page', async () => {
    const { app, views } = baselineApp()
    const { $ } = await page(app, '/?subject=7-oh')
    expect($('nav.toggle a[aria-current="page"]').attr('data-subject')).toBe('7-oh')
    expect($('svg.map-us path.region[data-code="US-AL"]').attr('class')).toContain(
      `region st-${views.effective('US-AL', '7-oh')!.status}`,
    )
    const missing = await page(app, '/?subject=coffee', 404)
    expect(missing.$('h1').text()).toContain('404')
    expect(missing.body).toContain('subject')
    await page(app, '/?subject=NOT%20AN%20ID', 400)
  })

  it('draws counties and cities with rules of their own as points, linked and titled with their effective status', async () => {
    const { app, views, stores } = baselineApp()
    const { $ } = await page(app, '/')
    const located = stores.jurisdictions.all().filter((p) => p.origin === 'dataset' && p.lat !== null)
    expect(located.length).toBeGreaterThan(50)
    const points = $('svg.map-us g.points [data-code]')
    expect(points.length).toBe(located.length)
    const sanDiego = $('svg.map-us g.points circle[data-code="US-CA-SAN-DIEGO"]')
    expect(sanDiego.attr('class')).toContain(`st-${views.effective('US-CA-SAN-DIEGO', 'kratom')!.status}`)
    expect(sanDiego.parent('a').children('title').text()).toMatch(/^San Diego \(city\): /)
    expect(sanDiego.parent('a').attr('href')).toBe('/j/US-CA-SAN-DIEGO')
    expect($('svg.map-us g.points rect').length).toBe(located.filter((p) => p.level === 'county').length)
  })

  it('shows Kansas as unknown on the map, with what is known at least, never as legal', async () => {
    const { app, views } = baselineApp()
    const kansas = views.effective('US-KS', 'kratom')!
    expect(kansas).toMatchObject({ status: 'unknown', at_least: 'legal', unknown_at: ['US-KS'] })
    const { $ } = await page(app, '/')
    const region = $('svg.map-us path.region[data-code="US-KS"]')
    expect(region.attr('data-status')).toBe('unknown')
    expect(region.find('title').text()).toMatch(/^Kansas: Unknown \(at least legal, possibly banned\); since /)
    expect(
      $('svg.map-us .labels text')
        .filter((_, t) => $(t).text().startsWith('KS '))
        .text(),
    ).toBe('KS ?')
    expect($('#us-list li[data-code="US-KS"] .badge').text()).toContain('Unknown — at least Legal')
  })

  it('says per place, in the title, the status, since when, minimum age, confidence and pending measures', async () => {
    const { app, views } = baselineApp()
    const { $ } = await page(app, '/')
    for (const code of ['US-AL', 'US-TX', 'US-KS', 'TH', 'DE']) {
      const effective = views.jurisdiction(code)!.subjects.kratom!.effective
      const svg = code.startsWith('US-') ? 'svg.map-us' : 'svg.map-world'
      const title = $(`${svg} path.region[data-code="${code}"] title`).text()
      expect(title, code).toContain(effective.since ? `since ${effective.since}` : 'since before any recorded change')
      // An unknown answer has no confidence of its own: the title says Unknown instead.
      if (effective.confidence) expect(title, code).toContain(`confidence ${effective.confidence}`)
      else expect(effective.status).toBe('unknown')
      if (effective.min_age) expect(title, code).toContain(`minimum age ${effective.min_age}`)
      expect($(`${svg} a[href="/j/${code}"]`).attr('aria-label')).toBe(title)
    }
  })

  it('labels the small states with callouts (leader line, swatch, code and symbol) linked to their pages', async () => {
    const { app, views } = baselineApp()
    const { $ } = await page(app, '/')
    const symbols: Record<string, string> = { legal: '✓', regulated: '◐', restricted: '▲', banned: '✕', unknown: '?' }
    for (const code of ['US-RI', 'US-CT', 'US-NJ', 'US-DE', 'US-MA', 'US-MD', 'US-DC']) {
      const callout = $(`svg.map-us .callouts a[data-callout="${code}"]`)
      expect(callout.length, code).toBe(1)
      expect(callout.attr('href')).toBe(`/j/${code}`)
      expect(callout.find('line').length, code).toBe(1)
      expect(callout.find('text').text()).toBe(`${code.slice(3)} ${symbols[views.effective(code, 'kratom')!.status]}`)
      expect(callout.find('rect').attr('class')).toContain(`st-${views.effective(code, 'kratom')!.status}`)
      // Not labelled twice: no in-map label for a state with a callout.
      expect(
        $('svg.map-us .labels text').filter((_, t) =>
          $(t)
            .text()
            .startsWith(`${code.slice(3)} `),
        ).length,
        code,
      ).toBe(0)
    }
  })

  it('marks a place with a pending bill on the map, in its title and in the list view; an enacted one is not pending', async () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    const { app } = testApp(t)
    const bill = {
      jurisdiction: 'US-LA',
      url: 'https://legis.la.gov/bill/HB999',
      last_action: 'Referred to committee',
      last_action_date: '2026-11-20',
      effective_date: null,
    }
    t.stores.measures.upsert(
      {
        ...bill,
        id: 'US-LA/2026/HB999',
        title: 'Bans kratom',
        stage: 'introduced',
        proposed_effect: { subject: 'kratom', status: 'banned' },
      },
      'test',
      '2026-11-25T00:00:00Z',
    )
    t.stores.measures.upsert(
      {
        ...bill,
        id: 'US-MS/2025/SB1',
        jurisdiction: 'US-MS',
        title: 'Regulates kratom',
        stage: 'enacted',
        proposed_effect: null,
      },
      'test',
      '2026-11-25T00:00:00Z',
    )
    t.stores.measures.upsert(
      {
        ...bill,
        id: 'TH/2026/NCB-7',
        jurisdiction: 'TH',
        title: 'Narcotics Control Board notice on 7-OH',
        stage: 'proposed_rule',
        url: 'https://www.oncb.go.th/x',
        proposed_effect: null,
      },
      'test',
      '2026-11-25T00:00:00Z',
    )
    const { $ } = await page(app, '/')
    expect(
      $('svg.map-us .pending-markers circle.pending-marker')
        .map((_, c) => $(c).attr('data-code'))
        .get(),
    ).toEqual(['US-LA'])
    expect(
      $('svg.map-world .pending-markers circle.pending-marker')
        .map((_, c) => $(c).attr('data-code'))
        .get(),
    ).toEqual(['TH'])
    expect($('svg.map-world path.region[data-code="TH"] title').text()).toContain('pending: TH/2026/NCB-7')
    expect($('svg.map-us path.region[data-code="US-LA"] title').text()).toContain('pending: US-LA/2026/HB999')
    expect($('#us-list li[data-code="US-LA"]').text()).toContain('1 pending bill')
    expect($('#us-list li[data-code="US-MS"]').text()).not.toContain('pending')
    // A bill about the other subject is not pending for this one.
    expect((await page(app, '/?subject=7-oh')).$('svg.map-us circle.pending-marker').length).toBe(0)
  })

  it('lists every state in the list view with the status the API gives, since when, and a link to its page', async () => {
    const { app, views } = baselineApp()
    const { $ } = await page(app, '/')
    const states = views.list({ level: 'state', parent: 'US', subject: 'kratom', limit: 500 }).items
    expect($('#us-list li').length).toBe(states.length)
    for (const s of states) {
      const li = $(`#us-list li[data-code="${s.code}"]`)
      expect(li.find('a').attr('href')).toBe(`/j/${s.code}`)
      expect(li.find('.badge').attr('class'), s.code).toContain(`st-${s.status}`)
      const since = views.jurisdiction(s.code)!.subjects.kratom!.effective.since
      expect(li.find('.pl-facts').text(), s.code).toContain(since ? `since ${since}` : 'no dated change')
    }
  })

  it('lists changes in law first on a fresh start, not the first undated rows', async () => {
    const { app, stores } = baselineApp()
    const { $ } = await page(app, '/')
    const recent = $('#recent-h')
      .parent()
      .find('li[data-event-id]')
      .map((_, li) => stores.events.get(Number($(li).attr('data-event-id')))!)
      .get()
    expect(recent.length).toBeGreaterThan(3)
    for (const e of recent) expect(e.effective_date, `event ${e.id}`).not.toBeNull()
    const dates = recent.map((e) => e.effective_date!)
    expect(dates).toEqual([...dates].sort().reverse())
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const { app } = baselineApp()
    const first = await app.request('/')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"/)
    expect((await app.request('/', { headers: { 'if-none-match': etag } })).status).toBe(304)
  })

  it('lists an upcoming effective date once a change is scheduled', async () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    t.engine.apply({
      source_id: 'test-legislature',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        StatusObservation.parse({
          kind: 'status',
          jurisdiction: 'US-MT',
          subject: 'kratom',
          status: 'regulated',
          min_age: 21,
          citation: 'Mont. HB 999 (2027)',
          effective_date: '2027-01-01',
          source_url: 'https://leg.mt.gov/bills/hb999',
          confidence: 'high',
        }),
      ],
    })
    const { app } = testApp(t)
    const { $ } = await page(app, '/')
    const upcoming = $('#upcoming-h').parent().text()
    expect(upcoming).toContain('2027-01-01')
    expect(upcoming).toContain('Montana')
  })
})

describe('GET /j/:code', () => {
  it('shows effective and own status with citation, sources, chain and history', async () => {
    const { app, views, stores } = baselineApp()
    const view = views.jurisdiction('US-CA-SAN-DIEGO')!
    const { body, $ } = await page(app, '/j/us-ca-san-diego')
    expect(Buffer.byteLength(body)).toBeLessThan(200_000)
    expectOnlyLocalAssets($)
    const kratom = $('[data-subject="kratom"]')
    expect(kratom.attr('data-status')).toBe(view.subjects.kratom!.effective.status)
    expect(kratom.find('.citation').text()).toBe(view.subjects.kratom!.own!.citation)
    expect(kratom.find('.citation a').attr('href')).toBe(view.subjects.kratom!.own!.source_url)
    expect(kratom.find('table.chain tbody tr').length).toBe(3)
    expect(kratom.text()).toContain('Last checked against its source')
    expect(kratom.find('.kind').first().text()).toMatch(/official|secondary|commercial/)
    expect(
      $('nav[aria-label="Breadcrumb"] a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['/j/US', '/j/US-CA'])
    expect($('#history > li').length).toBe(stores.events.forJurisdiction('US-CA-SAN-DIEGO', { limit: 50 }).items.length)
  })

  it('labels a source fed by a synthetic-only scraper, and no other', async () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    // us-ut-code-4-45-104 has synthetic fixtures only; us-tx-statutes-hs-444 is tested on a real Council page.
    for (const [sourceId, code, url] of [
      ['us-ut-code-4-45-104', 'US-UT', 'https://le.utah.gov/x'],
      ['us-tx-statutes-hs-444', 'US-TX', 'https://statutes.capitol.texas.gov/x'],
    ]) {
      t.engine.apply({
        source_id: sourceId!,
        trust: 'primary',
        run_id: null,
        snapshot_id: null,
        observations: [
          StatusObservation.parse({
            kind: 'status',
            jurisdiction: code,
            subject: '7-oh',
            status: 'banned',
            citation: `${code} test citation`,
            effective_date: '2026-11-01',
            source_url: url,
            confidence: 'high',
          }),
        ],
      })
    }
    const { app } = testApp(t)
    const utah = (await page(app, '/j/US-UT')).$('[data-subject="7-oh"]')
    expect(utah.find('.synthetic-only').text()).toBe(
      'scraper tested on synthetic pages only, not yet on a real response',
    )
    const texas = (await page(app, '/j/US-TX')).$('[data-subject="7-oh"]')
    expect(texas.find('dd li').text()).toContain('us-tx-statutes-hs-444')
    expect(texas.find('.synthetic-only').length).toBe(0)
  })

  it('answers as of a past date with ?at=', async () => {
    const { app, views } = baselineApp()
    const past = views.jurisdiction('US-AL', '2010-01-01')!.subjects.kratom!.effective.status
    const today = views.jurisdiction('US-AL')!.subjects.kratom!.effective.status
    expect(past).not.toBe(today)
    const { $ } = await page(app, '/j/US-AL?at=2010-01-01')
    expect($('[data-subject="kratom"]').attr('data-status')).toBe(past)
    expect($('.note').text()).toContain('2010-01-01')
    expect($('input[name="at"]').attr('value')).toBe('2010-01-01')
  })

  it('lists the places within a state with their statuses', async () => {
    const { app, views } = baselineApp()
    const { $ } = await page(app, '/j/US-CA')
    const row = $('#children-h').parent().find('tr[data-code="US-CA-SAN-DIEGO"]')
    expect(row.find('.badge').first().attr('class')).toContain(
      `st-${views.effective('US-CA-SAN-DIEGO', 'kratom')!.status}`,
    )
  })

  it('answers unknown places and bad dates with HTML error pages', async () => {
    const { app } = baselineApp()
    const missing = await page(app, '/j/ZZ-NOWHERE', 404)
    expect(missing.$('main p').first().text()).toContain('ZZ-NOWHERE')
    const bad = await page(app, '/j/US-AL?at=2026-02-30', 400)
    expect(bad.$('main li').text()).toContain('at')
  })
})

describe('GET /changes.html', () => {
  const ids = ($: Awaited<ReturnType<typeof page>>['$']) =>
    $('#changes > li')
      .map((_, li) => Number($(li).attr('data-event-id')))
      .get()

  it('lists changes in law newest first by the date the law changed, never a first undated row', async () => {
    const { app, stores } = baselineApp()
    const { $ } = await page(app, '/changes.html')
    const shown = ids($).map((id) => stores.events.get(id)!)
    expect(shown.length).toBe(50)
    for (const e of shown) {
      expect(['status.changed', 'status.corrected']).toContain(e.type)
      expect(e.effective_date).not.toBeNull()
    }
    const dates = shown.map((e) => e.effective_date!)
    expect(dates).toEqual([...dates].sort().reverse())
    const newest = stores.events.query({ in_law: true, order: 'effective_desc', limit: 1 })[0]!
    expect(shown[0]!.id).toBe(newest.id)

    const expected = stores.events
      .query({ jurisdictions: ['US-LA'], subject: 'kratom', in_law: true, order: 'effective_desc', limit: 500 })
      .map((e) => e.id)
    const filtered = await page(app, '/changes.html?jurisdiction=us-la&subject=kratom&include_descendants=')
    expect(ids(filtered.$)).toEqual(expected)
    expect(filtered.$('select[name="subject"] option[selected]').attr('value')).toBe('kratom')
  })

  it('filters by the date the law changed', async () => {
    const { app, stores } = baselineApp()
    const { $ } = await page(app, '/changes.html?effective_from=2025-11-30&limit=200')
    const shown = ids($).map((id) => stores.events.get(id)!)
    expect(shown.length).toBeGreaterThan(0)
    for (const e of shown) expect(e.effective_date! >= '2025-11-30').toBe(true)
  })

  it('shows every recorded event newest first with view=all', async () => {
    const { app, stores } = baselineApp()
    const { $ } = await page(app, '/changes.html?view=all')
    const shown = ids($)
    expect(shown.length).toBe(50)
    expect(shown).toEqual([...shown].sort((a, b) => b - a))
    expect(shown[0]).toBe(stores.events.lastId())
  })

  it('pages back in both views', async () => {
    const { app } = baselineApp()
    const first = await page(app, '/changes.html?limit=5')
    const earlier = first.$('a[rel="next"]').attr('href')!
    expect(earlier).toMatch(/offset=5/)
    const second = await page(app, earlier)
    expect(ids(second.$)).toHaveLength(5)
    expect(ids(second.$).some((id) => ids(first.$).includes(id))).toBe(false)

    const all = await page(app, '/changes.html?view=all&limit=5')
    const older = all.$('a[rel="next"]').attr('href')!
    expect(older).toMatch(/before=\d+/)
    const next = await page(app, older)
    expect(ids(next.$)).toHaveLength(5)
    expect(Math.max(...ids(next.$))).toBeLessThan(Math.min(...ids(all.$)))
  })

  it('refuses an unknown jurisdiction', async () => {
    const { app } = baselineApp()
    await page(app, '/changes.html?jurisdiction=ZZ-NOWHERE', 404)
    await page(app, '/changes.html?type=status.exploded', 400)
  })
})

describe('GET /assets/style.css', () => {
  it('serves the stylesheet with an ETag', async () => {
    const { app } = testApp()
    const res = await app.request('/assets/style.css')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/css')
    expect(await res.text()).toContain('.region.st-banned,.point.st-banned{fill:url(#pat-banned)}')
    expect(
      (await app.request('/assets/style.css', { headers: { 'if-none-match': res.headers.get('etag')! } })).status,
    ).toBe(304)
  })
})
