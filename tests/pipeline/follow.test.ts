import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import {
  defineScraper,
  ScraperDefinitionSchema,
  type FollowContext,
  type ScraperDefinition,
} from '../../src/scraping/define-scraper.js'
import { createScrapingService, type ScrapingService } from '../../src/scraping/service.js'
import { testDb } from '../helpers/db.js'
import { closeFixtureServers, fixtureServer, scrapeTestEnv, type FixtureServer } from '../helpers/fixture-server.js'

// The second fetch phase (`follow`) and per-scraper memory (`remember`), on a small synthetic API:
// a search listing items with a change hash, and one document per item.
const SEARCH = 'https://api.example.gov/search.json'
const itemUrl = (id: number) => `https://api.example.gov/item/${id}.json`

interface Row {
  id: number
  hash: string
}
interface Memory {
  hashes: Record<string, string>
}
const rowsOf = (json: unknown) => (json as { items: Row[] }).items

const example = defineScraper({
  id: 'us-tx-follow-example',
  title: 'Synthetic search + detail API',
  jurisdictions: ['US-TX'],
  trust: 'primary',
  schedule: '0 6 * * *',
  parserVersion: '1',
  emptyPossible: true,
  sources: { search: { kind: 'json', url: SEARCH } },
  follow({ search }, { previous }: FollowContext<Memory>) {
    const seen = previous?.hashes ?? {}
    return Object.fromEntries(
      rowsOf(search.json)
        .filter((r) => seen[r.id] !== r.hash)
        .map((r) => [`item${r.id}`, { kind: 'json' as const, url: itemUrl(r.id) }]),
    )
  },
  remember({ search }, { previous, followed }): Memory {
    const hashes: Record<string, string> = {}
    for (const r of rowsOf(search.json)) {
      if (followed[`item${r.id}`]) hashes[r.id] = r.hash
      else if (previous?.hashes[r.id]) hashes[r.id] = previous.hashes[r.id]!
    }
    return { hashes }
  },
  parse(_documents, { followed }) {
    return Object.values(followed).map((doc) => {
      const item = (doc as { json: { id: number; title: string; stage: 'introduced' | 'enacted' } }).json
      return {
        kind: 'measure' as const,
        id: `US-TX/2026/HB${item.id}`,
        jurisdiction: 'US-TX',
        title: item.title,
        stage: item.stage,
        url: itemUrl(item.id),
        last_action: null,
        last_action_date: null,
        effective_date: null,
        proposed_effect: null,
        source_url: itemUrl(item.id),
      }
    })
  },
})

function definition(
  options: { remember?: boolean; maxFollow?: number; parserVersion?: string } = {},
): ScraperDefinition {
  return {
    ...example,
    parserVersion: options.parserVersion ?? '1',
    ...(options.maxFollow ? { maxFollow: options.maxFollow } : {}),
    ...(options.remember === false ? { remember: undefined } : {}),
  } as ScraperDefinition
}

const services: ScrapingService[] = []
afterEach(async () => {
  while (services.length) await services.pop()!.stop(0)
  await closeFixtureServers()
})

async function setup() {
  const server = await fixtureServer()
  const t = testDb()
  const config = loadConfig({ DATABASE_PATH: t.path, ...scrapeTestEnv(server) })
  const service = await createScrapingService({
    config,
    stores: t.stores,
    engine: t.engine,
    clock: t.clock,
    log: silentLogger,
    registry: [],
    httpBackoffMs: 1,
  })
  services.push(service)
  return { server, t, service }
}

function serveSearch(server: FixtureServer, rows: Row[]) {
  server.set(SEARCH, { body: JSON.stringify({ items: rows }), headers: { 'content-type': 'application/json' } })
}
function serveItem(server: FixtureServer, id: number, title: string, stage = 'introduced') {
  server.set(itemUrl(id), {
    body: JSON.stringify({ id, title, stage }),
    headers: { 'content-type': 'application/json' },
  })
}

describe('follow and remember', () => {
  it('first run fetches every listed item; the next fetches only the one whose hash changed', async () => {
    const { server, t, service } = await setup()
    const def = definition()
    serveSearch(server, [
      { id: 1, hash: 'a1' },
      { id: 2, hash: 'b1' },
      { id: 3, hash: 'c1' },
    ])
    for (const id of [1, 2, 3]) serveItem(server, id, `Item ${id}`)

    const first = await service.runner.run(def, { trigger: 'test' })
    expect(first.outcome, first.error ?? '').toBe('changed')
    expect(first.counts).toMatchObject({ documents: 4, followed: 3, observations: 3 })
    expect(first.events.map((e) => [e.type, e.measure_id])).toEqual([
      ['measure.introduced', 'US-TX/2026/HB1'],
      ['measure.introduced', 'US-TX/2026/HB2'],
      ['measure.introduced', 'US-TX/2026/HB3'],
    ])
    expect([1, 2, 3].map((id) => server.hits(itemUrl(id)))).toEqual([1, 1, 1])
    expect(t.stores.runs.documents(first.run_id!).map((d) => d.source_name)).toEqual([
      'followed.item1',
      'followed.item2',
      'followed.item3',
      'search',
    ])
    expect(service.store.memory(def.id)).toMatchObject({
      parser_version: '1',
      run_id: first.run_id,
      memory: { hashes: { 1: 'a1', 2: 'b1', 3: 'c1' } },
    })

    // Item 2 changed (new hash, new stage): only it is fetched again.
    serveSearch(server, [
      { id: 1, hash: 'a1' },
      { id: 2, hash: 'b2' },
      { id: 3, hash: 'c1' },
    ])
    serveItem(server, 2, 'Item 2', 'enacted')
    const second = await service.runner.run(def, { trigger: 'test' })
    expect(second.outcome, second.error ?? '').toBe('changed')
    expect([1, 2, 3].map((id) => server.hits(itemUrl(id)))).toEqual([1, 2, 1])
    expect(second.counts).toMatchObject({ documents: 2, followed: 1, observations: 1 })
    expect(second.events.map((e) => [e.type, e.measure_id, e.after?.stage])).toEqual([
      ['measure.updated', 'US-TX/2026/HB2', 'enacted'],
    ])
    expect(service.store.memory(def.id)?.memory).toEqual({ hashes: { 1: 'a1', 2: 'b2', 3: 'c1' } })

    // Nothing changed: nothing followed; the run after that is skipped as unchanged.
    const third = await service.runner.run(def, { trigger: 'test' })
    expect(third).toMatchObject({
      outcome: 'unchanged',
      skipped: false,
      counts: { documents: 1, followed: 0, observations: 0 },
    })
    expect(await service.runner.run(def, { trigger: 'test' })).toMatchObject({ outcome: 'unchanged', skipped: true })
    expect([1, 2, 3].map((id) => server.hits(itemUrl(id)))).toEqual([1, 2, 1])
    // An item that left the search is forgotten.
    serveSearch(server, [
      { id: 1, hash: 'a1' },
      { id: 2, hash: 'b2' },
    ])
    await service.runner.run(def, { trigger: 'test' })
    expect(service.store.memory(def.id)?.memory).toEqual({ hashes: { 1: 'a1', 2: 'b2' } })
  })

  it('a run is skipped only when the followed documents are unchanged too', async () => {
    const { server, service } = await setup()
    const def = definition({ remember: false }) // follows every item on every run
    serveSearch(server, [{ id: 7, hash: 'x' }])
    serveItem(server, 7, 'Item 7')
    expect(await service.runner.run(def, { trigger: 'test' })).toMatchObject({ outcome: 'changed', skipped: false })
    expect(await service.runner.run(def, { trigger: 'test' })).toMatchObject({ outcome: 'unchanged', skipped: true })
    // Same search, changed item: parsed again.
    serveItem(server, 7, 'Item 7', 'enacted')
    const changed = await service.runner.run(def, { trigger: 'test' })
    expect(changed).toMatchObject({ outcome: 'changed', skipped: false })
    expect(changed.events.map((e) => [e.type, e.after?.stage])).toEqual([['measure.updated', 'enacted']])
  })

  it('more followed sources than maxFollow: degraded with a clear message, nothing followed fetched, memory kept', async () => {
    const { server, t, service } = await setup()
    serveSearch(server, [
      { id: 1, hash: 'a1' },
      { id: 2, hash: 'b1' },
    ])
    for (const id of [1, 2]) serveItem(server, id, `Item ${id}`)
    const capped = definition({ maxFollow: 1 })
    const run = await service.runner.run(capped, { trigger: 'test' })
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/follow asked for 2 sources, more than the limit of 1 per run \(maxFollow\)/)
    expect([1, 2].map((id) => server.hits(itemUrl(id)))).toEqual([0, 0])
    expect(t.stores.runs.documents(run.run_id!).map((d) => d.source_name)).toEqual(['search'])
    expect(service.store.memory(capped.id)).toBeUndefined()
    expect(t.stores.measures.get('US-TX/2026/HB1')).toBeFalsy()
  })

  it('a followed source that fails degrades the run and keeps the old memory, so it is fetched again', async () => {
    const { server, service } = await setup()
    const def = definition()
    serveSearch(server, [
      { id: 1, hash: 'a1' },
      { id: 2, hash: 'b1' },
    ])
    serveItem(server, 1, 'Item 1') // item 2 answers 404
    const failed = await service.runner.run(def, { trigger: 'test' })
    expect(failed).toMatchObject({ outcome: 'degraded', reason: 'http' })
    expect(service.store.memory(def.id)).toBeUndefined()

    serveItem(server, 2, 'Item 2')
    const retried = await service.runner.run(def, { trigger: 'test' })
    expect(retried.outcome, retried.error ?? '').toBe('changed')
    expect(server.hits(itemUrl(1))).toBe(2)
    expect(service.store.memory(def.id)?.memory).toEqual({ hashes: { 1: 'a1', 2: 'b1' } })
  })

  it('a new parser version starts from no memory and reads everything again; a forced run keeps the memory', async () => {
    const { server, service } = await setup()
    serveSearch(server, [{ id: 1, hash: 'a1' }])
    serveItem(server, 1, 'Item 1')
    await service.runner.run(definition(), { trigger: 'test' })
    await service.runner.run(definition(), { trigger: 'test' })
    expect(server.hits(itemUrl(1))).toBe(1)
    const bumped = await service.runner.run(definition({ parserVersion: '2' }), { trigger: 'test' })
    expect(bumped.counts).toMatchObject({ followed: 1 })
    expect(service.store.memory('us-tx-follow-example')).toMatchObject({ parser_version: '2' })
    const forced = await service.runner.run(definition({ parserVersion: '2' }), { trigger: 'test', force: true })
    expect(forced).toMatchObject({ skipped: false, counts: { followed: 0 } })
    expect(server.hits(itemUrl(1))).toBe(2)
  })

  it('refuses what follow and remember return when it is not sources or not JSON', async () => {
    const { server, service } = await setup()
    serveSearch(server, [{ id: 1, hash: 'a1' }])
    serveItem(server, 1, 'Item 1')
    const base = definition()
    const badName = { ...base, follow: () => ({ 'no spaces': { kind: 'json', url: itemUrl(1) } }) } as ScraperDefinition
    expect((await service.runner.run(badName, { trigger: 'test' })).error).toMatch(
      /follow returned a source named "no spaces"/,
    )
    const badUrl = {
      ...base,
      follow: () => ({ item1: { kind: 'json', url: 'http://api.example.gov/item/1.json' } }),
    } as ScraperDefinition
    expect((await service.runner.run(badUrl, { trigger: 'test' })).error).toMatch(
      /invalid source "item1" at url: source URLs must be absolute https/,
    )
    const badMemory = { ...base, remember: () => ({ big: 1n }) } as unknown as ScraperDefinition
    const run = await service.runner.run(badMemory, { trigger: 'test' })
    expect(run).toMatchObject({ outcome: 'degraded', reason: 'structure' })
    expect(run.error).toMatch(/remember must return plain JSON data/)
    expect(service.store.memory(base.id)).toBeUndefined()
  })
})

describe('ScraperDefinitionSchema: follow, maxFollow, remember', () => {
  const base = {
    id: 'us-tx-example',
    title: 't',
    jurisdictions: ['US-TX'],
    trust: 'primary',
    schedule: '0 6 * * *',
    parserVersion: '1',
    sources: { page: { kind: 'json', url: 'https://example.gov/x' } },
    parse: () => [],
  }
  it('accepts functions and a maxFollow within bounds', () => {
    expect(
      ScraperDefinitionSchema.safeParse({ ...base, follow: () => ({}), remember: () => null, maxFollow: 50 }).success,
    ).toBe(true)
  })
  it.each([
    ['follow that is not a function', { follow: 'yes' }],
    ['remember that is not a function', { remember: {} }],
    ['maxFollow above the maximum', { follow: () => ({}), maxFollow: 5000 }],
    ['maxFollow of zero', { follow: () => ({}), maxFollow: 0 }],
    ['maxFollow without follow', { maxFollow: 10 }],
  ])('refuses %s', (_name, extra) => {
    expect(ScraperDefinitionSchema.safeParse({ ...base, ...extra }).success).toBe(false)
  })
})
