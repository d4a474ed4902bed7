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
  const refs = [...$('link[href]').map((_, el) => $(el).attr('href')!), ...$('img[src]').map((_, el) => $(el).attr('src')!), ...$('form[action]').map((_, el) => $(el).attr('action')!)]
  for (const ref of refs) expect(ref, ref).toMatch(/^(\/|data:)/)
}

describe('GET /', () => {
  it('renders both maps with every state, a legend and a table, under 200 kB, without scripts', async () => {
    const { app, views } = baselineApp()
    const { res, body, $ } = await page(app, '/')
    expect(Buffer.byteLength(body)).toBeLessThan(200_000)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expectOnlyLocalAssets($)
    const regions = $('svg.map-us path.region')
    // Expected from the jurisdictions, not from the map's own shapes: the 50 states and DC (the Albers map has no territories).
    const statesAndDc = views.list({ parent: 'US', limit: 500 }).items.map((p) => p.code).filter((code) => !['US-AS', 'US-GU', 'US-MP', 'US-PR', 'US-UM', 'US-VI'].includes(code))
    expect(statesAndDc).toHaveLength(51)
    expect(regions.map((_, el) => $(el).attr('data-code')).get().sort()).toEqual(statesAndDc.sort())
    for (const el of regions.toArray()) {
      const code = $(el).attr('data-code')!
      const expected = views.effective(code, 'kratom')!.status
      expect($(el).attr('class'), code).toBe(`region st-${expected}`)
      // Colour is not the only signal: every region has a title and a labelled link.
      expect($(el).find('title').text()).toContain(expected === 'unknown' ? 'Unknown' : expected.charAt(0).toUpperCase() + expected.slice(1))
      expect($(el).parent('a').attr('href')).toBe(`/j/${code}`)
    }
    expect($('svg.map-world path.region[data-code="TH"]').length).toBe(1)
    expect($('svg.map-world path.region').length).toBeGreaterThan(170)
    expect($('.legend li').length).toBe(5)
    expect($('#us-table tbody tr').length).toBeGreaterThanOrEqual(51)
    expect($('tr[data-code="US-CA-SAN-DIEGO"] .badge').attr('class')).toContain(`st-${views.effective('US-CA-SAN-DIEGO', 'kratom')!.status}`)
  })

  it('shows the chosen subject and refuses an unknown one with an HTML error page', async () => {
    const { app, views } = baselineApp()
    const { $ } = await page(app, '/?subject=7-oh')
    expect($('nav.toggle a[aria-current="page"]').attr('data-subject')).toBe('7-oh')
    expect($('svg.map-us path.region[data-code="US-AL"]').attr('class')).toBe(`region st-${views.effective('US-AL', '7-oh')!.status}`)
    const missing = await page(app, '/?subject=coffee', 404)
    expect(missing.$('h1').text()).toContain('404')
    expect(missing.body).toContain('subject')
    await page(app, '/?subject=NOT%20AN%20ID', 400)
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
      observations: [StatusObservation.parse({ kind: 'status', jurisdiction: 'US-MT', subject: 'kratom', status: 'regulated', min_age: 21, citation: 'Mont. HB 999 (2027)', effective_date: '2027-01-01', source_url: 'https://leg.mt.gov/bills/hb999', confidence: 'high' })],
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
    expect(kratom.text()).toContain('Last verified')
    expect($('nav[aria-label="Breadcrumb"] a').map((_, a) => $(a).attr('href')).get()).toEqual(['/j/US', '/j/US-CA'])
    expect($('#history > li').length).toBe(stores.events.forJurisdiction('US-CA-SAN-DIEGO', { limit: 50 }).items.length)
  })

  it('labels a source fed by a synthetic-only scraper, and no other', async () => {
    const t = testDb()
    loadBaseline(t.stores, t.engine, undefined, t.clock)
    // us-ut-code-4-45-104 has synthetic fixtures only; us-tx-statutes-hs-444 is tested on a real Council page.
    for (const [sourceId, code, url] of [['us-ut-code-4-45-104', 'US-UT', 'https://le.utah.gov/x'], ['us-tx-statutes-hs-444', 'US-TX', 'https://statutes.capitol.texas.gov/x']]) {
      t.engine.apply({
        source_id: sourceId!, trust: 'primary', run_id: null, snapshot_id: null,
        observations: [StatusObservation.parse({ kind: 'status', jurisdiction: code, subject: '7-oh', status: 'banned', citation: `${code} test citation`, effective_date: '2026-11-01', source_url: url, confidence: 'high' })],
      })
    }
    const { app } = testApp(t)
    const utah = (await page(app, '/j/US-UT')).$('[data-subject="7-oh"]')
    expect(utah.find('.synthetic-only').text()).toBe('scraper tested on synthetic pages only, not yet on a real response')
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
    expect(row.find('.badge').first().attr('class')).toContain(`st-${views.effective('US-CA-SAN-DIEGO', 'kratom')!.status}`)
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
  it('lists changes newest first and filters them like GET /changes', async () => {
    const { app, stores } = baselineApp()
    const all = await page(app, '/changes.html')
    const ids = all.$('#changes > li').map((_, li) => Number(all.$(li).attr('data-event-id'))).get()
    expect(ids.length).toBe(50)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(ids[0]).toBe(stores.events.lastId())

    const expected = stores.events.feed({ jurisdictions: ['US-LA'], subject: 'kratom', limit: 500 }).items.map((e) => e.id).reverse()
    const filtered = await page(app, '/changes.html?jurisdiction=us-la&subject=kratom&type=&include_descendants=')
    expect(filtered.$('#changes > li').map((_, li) => Number(filtered.$(li).attr('data-event-id'))).get()).toEqual(expected)
    expect(filtered.$('select[name="subject"] option[selected]').attr('value')).toBe('kratom')
  })

  it('pages back with the Older link', async () => {
    const { app } = baselineApp()
    const first = await page(app, '/changes.html?limit=5')
    const older = first.$('a[rel="next"]').attr('href')!
    expect(older).toMatch(/before=\d+/)
    const firstIds = first.$('#changes > li').map((_, li) => Number(first.$(li).attr('data-event-id'))).get()
    const second = await page(app, older)
    const secondIds = second.$('#changes > li').map((_, li) => Number(second.$(li).attr('data-event-id'))).get()
    expect(secondIds.length).toBe(5)
    expect(Math.max(...secondIds)).toBeLessThan(Math.min(...firstIds))
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
    expect(await res.text()).toContain('.region.st-banned{fill:url(#pat-banned)}')
    expect((await app.request('/assets/style.css', { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304)
  })
})
