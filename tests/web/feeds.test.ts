import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { loadBaseline } from '../../src/baseline/load.js'
import { Observation, StatusObservation } from '../../src/domain/index.js'
import { foldLine } from '../../src/web/ical.js'
import { baselineApp, testApp, testDb } from '../helpers/db.js'

interface AtomEntry {
  id: string
  title: string
  updated: string
  published: string
  summary: { '#text': string; '@_type': string }
  link: { '@_rel': string; '@_href': string } | { '@_rel': string; '@_href': string }[]
  category: { '@_term': string; '@_label'?: string } | { '@_term': string; '@_label'?: string }[]
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' })
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** Fetches and parses an Atom feed, checking the elements RFC 4287 requires of a feed and of each entry. */
async function atom(app: ReturnType<typeof testApp>['app'], url: string) {
  const res = await app.request(url)
  expect(res.status, url).toBe(200)
  expect(res.headers.get('content-type')).toContain('application/atom+xml')
  const xml = await res.text()
  expect(XMLValidator.validate(xml)).toBe(true)
  const feed = parser.parse(xml).feed as {
    '@_xmlns': string
    id: string
    title: string
    updated: string
    author: { name: string }
    link: { '@_rel': string; '@_href': string }[]
    entry?: AtomEntry[]
  }
  expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom')
  expect(feed.id).toMatch(/^https?:\/\//)
  expect(feed.title).toBeTruthy()
  expect(feed.updated).toMatch(RFC3339)
  expect(feed.author.name).toBe('kratomwatch')
  expect(feed.link.find((l) => l['@_rel'] === 'self')?.['@_href']).toBe(feed.id)
  const entries = feed.entry ?? []
  for (const e of entries) {
    expect(e.id).toMatch(/^tag:kratomwatch\.dev,2026:change-event:\d+$/)
    expect(e.title).toBeTruthy()
    expect(e.updated).toMatch(RFC3339)
    expect([e.link].flat().some((l) => l['@_rel'] === 'alternate')).toBe(true)
  }
  return { feed, entries, ids: entries.map((e) => Number(e.id.split(':').at(-1))) }
}

const categories = (e: AtomEntry) => [e.category].flat().map((c) => c['@_term'])

describe('GET /changes.atom', () => {
  it('is a valid Atom 1.0 feed of the newest changes, newest first, with absolute links', async () => {
    const { app, stores } = baselineApp({ PUBLIC_BASE_URL: 'https://kratomwatch.example' })
    const { feed, entries, ids } = await atom(app, '/changes.atom?limit=20')
    expect(feed.id).toBe('https://kratomwatch.example/changes.atom?limit=20')
    expect(ids.length).toBe(20)
    expect(ids[0]).toBe(stores.events.lastId())
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    const newest = stores.events.get(ids[0]!)!
    expect(entries[0]!.updated).toBe(newest.detected_at)
    expect([entries[0]!.link].flat().find((l) => l['@_rel'] === 'alternate')!['@_href']).toBe(
      `https://kratomwatch.example/j/${newest.jurisdiction}`,
    )
    expect(entries[0]!.summary['#text']).toContain(`Citation: ${String(newest.after!.citation)}`)
  })

  it('applies the filters of GET /changes: jurisdiction, subject, type and since', async () => {
    const { app, stores } = baselineApp()
    const expected = stores.events
      .feed({ jurisdictions: ['US-LA'], subject: 'kratom', notable: true, limit: 500 })
      .items.map((e) => e.id)
    expect(expected.length).toBeGreaterThan(0)
    // A place's first undated row is what was known when tracking began, not news: the feed leaves it out.
    const initial = stores.events
      .feed({ jurisdictions: ['US-LA'], subject: 'kratom', limit: 500 })
      .items.find((e) => e.effective_date === null && e.before === null)
    expect(initial).toBeDefined()
    expect(expected).not.toContain(initial!.id)
    const { entries, ids } = await atom(app, '/changes.atom?jurisdiction=us-la&subject=kratom')
    expect(ids).toEqual([...expected].reverse())
    for (const e of entries) expect(categories(e)).toContain('kratom')

    const since = expected[0]!
    expect((await atom(app, `/changes.atom?jurisdiction=US-LA&subject=kratom&since=${since}`)).ids).toEqual(
      expected.filter((id) => id > since).reverse(),
    )
    expect((await atom(app, '/changes.atom?type=status.corrected')).ids).toEqual([])
  })

  it('answers problems for unknown jurisdictions and bad filters', async () => {
    const { app } = baselineApp()
    const missing = await app.request('/changes.atom?jurisdiction=ZZ-NOWHERE')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toContain('application/problem+json')
    expect((await app.request('/changes.atom?type=status.exploded')).status).toBe(400)
    expect((await app.request('/changes.atom?bogus=1')).status).toBe(400)
  })
})

describe('GET /jurisdictions/:code/changes.atom', () => {
  it("has one place's changes, and the places within it with include_descendants", async () => {
    const { app, stores } = baselineApp()
    const own = await atom(app, '/jurisdictions/US-CA/changes.atom')
    expect(own.ids).toEqual(
      stores.events
        .feed({ jurisdictions: ['US-CA'], notable: true, limit: 500 })
        .items.map((e) => e.id)
        .reverse(),
    )
    const wide = await atom(app, '/jurisdictions/us-ca/changes.atom?include_descendants=true&subject=kratom')
    const codes = new Set(wide.ids.map((id) => stores.events.get(id)!.jurisdiction))
    expect(codes).toContain('US-CA-SAN-DIEGO')
    expect(codes).toContain('US-CA')
    expect(wide.feed.title).toContain('California')
    expect((await app.request('/jurisdictions/ZZ-NOWHERE/changes.atom')).status).toBe(404)
  })
})

describe('GET /calendar.ics', () => {
  function scheduledApp() {
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
          citation:
            'Mont. HB 999 (2027); sections 1, 2; a long citation that needs folding because it runs well past seventy-five octets',
          summary: 'Sales to people under 21 prohibited; labels required.',
          effective_date: '2027-01-01',
          source_url: 'https://leg.mt.gov/bills/hb999',
          confidence: 'high',
        }),
      ],
    })
    return testApp(t)
  }

  /** Unfolds content lines (RFC 5545 § 3.1) after checking CRLF endings and the 75-octet limit. */
  function contentLines(text: string): string[] {
    expect(text.endsWith('\r\n')).toBe(true)
    const physical = text.slice(0, -2).split('\r\n')
    for (const line of physical) {
      expect(line.includes('\n')).toBe(false)
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    }
    return text.slice(0, -2).replace(/\r\n /g, '').split('\r\n')
  }

  it('lists scheduled changes as all-day events with escaped text and folded lines', async () => {
    const { app } = scheduledApp()
    const res = await app.request('/calendar.ics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/calendar')
    const lines = contentLines(await res.text())
    expect(lines[0]).toBe('BEGIN:VCALENDAR')
    expect(lines.at(-1)).toBe('END:VCALENDAR')
    expect(lines).toContain('VERSION:2.0')
    expect(lines.some((l) => l.startsWith('PRODID:'))).toBe(true)
    const start = lines.indexOf('BEGIN:VEVENT')
    const event = lines.slice(start, lines.indexOf('END:VEVENT') + 1)
    expect(event).toContain('DTSTART;VALUE=DATE:20270101')
    expect(event).toContain('DTEND;VALUE=DATE:20270102')
    expect(event.find((l) => l.startsWith('UID:'))).toMatch(/^UID:status-record-\d+@kratomwatch$/)
    expect(event.find((l) => l.startsWith('DTSTAMP:'))).toMatch(/^DTSTAMP:\d{8}T\d{6}Z$/)
    expect(event.find((l) => l.startsWith('SUMMARY:'))).toBe('SUMMARY:Montana (US-MT): Kratom becomes regulated')
    expect(event.find((l) => l.startsWith('DESCRIPTION:'))).toContain(
      'Citation: Mont. HB 999 (2027)\\; sections 1\\, 2\\;',
    )
    expect(event.find((l) => l.startsWith('DESCRIPTION:'))).toContain('labels required.\\nCitation')
  })

  it('filters by jurisdiction and subject', async () => {
    const { app } = scheduledApp()
    const count = async (url: string) =>
      contentLines(await (await app.request(url)).text()).filter((l) => l === 'BEGIN:VEVENT').length
    expect(await count('/calendar.ics?jurisdiction=US-MT')).toBe(1)
    expect(await count('/calendar.ics?jurisdiction=US&include_descendants=true&subject=kratom')).toBe(1)
    expect(await count('/calendar.ics?jurisdiction=US-LA')).toBe(0)
    expect(await count('/calendar.ics?subject=7-oh')).toBe(0)
    expect((await app.request('/calendar.ics?jurisdiction=ZZ-NOWHERE')).status).toBe(404)
  })

  it('applies the subject filter before the limit', async () => {
    const t = testDb()
    const bill = (id: string, subject: string, date: string) => ({
      kind: 'measure' as const,
      id,
      jurisdiction: 'US-MT',
      title: `Bill on ${subject}`,
      stage: 'enacted' as const,
      url: `https://leg.mt.gov/bills/${id.split('/').at(-1)}`,
      effective_date: date,
      proposed_effect: { subject, status: 'banned' as const },
    })
    t.engine.apply({
      source_id: 'test',
      trust: 'primary',
      run_id: null,
      snapshot_id: null,
      observations: [
        bill('US-MT/2027/HB1', 'kratom', '2027-01-01'),
        bill('US-MT/2027/HB2', 'kratom', '2027-02-01'),
        bill('US-MT/2027/HB3', '7-oh', '2027-03-01'),
      ].map((o) => Observation.parse(o)),
    })
    const text = await (await testApp(t).app.request('/calendar.ics?subject=7-oh&limit=1')).text()
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(1)
    expect(text).toContain('HB3')
  })

  it('never lets a control character through: a lone CR becomes an escaped line break, NUL, VT and DEL are dropped', async () => {
    const t = testDb()
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
          status: 'banned',
          citation: 'Mont. HB 1\u0000 (2027)\u000b',
          summary: 'Banned.\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:injected\u007f\u0085\r\nnext\tline',
          effective_date: '2027-01-01',
          source_url: 'https://leg.mt.gov/bills/hb1',
          confidence: 'high',
        }),
      ],
    })
    const text = await (await testApp(t).app.request('/calendar.ics')).text()
    // Only CR LF line ends (and HTAB) remain of the control characters.
    const isControl = (ch: string) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f)
    const controls = [...text.replace(/\r\n/g, '').replace(/\t/g, '')].filter(isControl)
    expect(controls).toEqual([])
    const lines = contentLines(text)
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1)
    expect(lines.filter((l) => l.startsWith('SUMMARY:'))).toHaveLength(1)
    const description = lines.find((l) => l.startsWith('DESCRIPTION:'))!
    expect(description).toBe(
      'DESCRIPTION:Banned.\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:injected\\nnext\tline\\nCitation: Mont. HB 1 (2027)\\nSource: https://leg.mt.gov/bills/hb1',
    )
  })

  it('folds without splitting a multi-byte character', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(100)}`)
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'é'.repeat(100)}`)
  })
})
