import { readdirSync, readFileSync } from 'node:fs'
import { afterEach, expect, it } from 'vitest'
import { MEMORY_CHECK_EVERY, createBrowserPool, type BrowserPool } from '../../src/fetch/browser.js'
import { silentLogger } from '../../src/log.js'
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js'
import { closeFixtureServers, fixtureServer } from '../helpers/fixture-server.js'

const pools: BrowserPool[] = []
afterEach(async () => {
  while (pools.length) await pools.pop()!.close()
  await closeFixtureServers()
})

const URL_ = 'https://rendered.example.gov/page.html'
const PAGE = `<!doctype html><html><head><title>Rendered</title><link rel="stylesheet" href="/style.css"></head>
<body><img src="/logo.png"><div id="out"></div>
<script>
  document.getElementById('out').setAttribute('data-seen-cookie', document.cookie || 'none');
  document.cookie = 'visited=1; path=/';
  setTimeout(function () { var p = document.createElement('p'); p.className = 'late'; p.textContent = 'rendered by script'; document.body.appendChild(p) }, 30);
</script></body></html>`

async function setup(maxMb = 600) {
  const server = await fixtureServer()
  server.set(URL_, { body: PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } })
  server.set('https://rendered.example.gov/style.css', { body: 'p{}', headers: { 'content-type': 'text/css' } })
  server.set('https://rendered.example.gov/logo.png', { body: 'png', headers: { 'content-type': 'image/png' } })
  const pool = createBrowserPool({
    executablePath: CHROMIUM!,
    userAgent: 'kratomwatch-test',
    concurrency: 2,
    navigationTimeoutMs: 10_000,
    maxMb,
    originOverride: server.origin,
    log: silentLogger,
  })
  pools.push(pool)
  return { server, pool }
}

/** The main Chromium process launched by this test process (its direct child). */
function chromiumChild(): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && /chrom/i.test(readFileSync(`/proc/${name}/comm`, 'utf8'))) return Number(name)
    } catch {
      // gone
    }
  }
  return undefined
}

describeWithBrowser('browser pool (real Chromium)', () => {
  it('renders JavaScript, blocks images, and gives every job a fresh context', async () => {
    const { server, pool } = await setup()
    const first = await pool.render({ url: URL_, waitFor: 'p.late' })
    expect(first.html).toContain('rendered by script')
    expect(first.html).toContain('data-seen-cookie="none"')
    const second = await pool.render({ url: URL_, waitFor: 'p.late' })
    expect(second.html).toContain('data-seen-cookie="none"')
    expect(server.hits('https://rendered.example.gov/logo.png')).toBe(0)
    expect(server.hits('https://rendered.example.gov/style.css')).toBeGreaterThan(0)
    expect(server.requests.find((r) => r.path === '/page.html')!.headers['user-agent']).toBe('kratomwatch-test')
    expect(pool.launches()).toBe(1)
  })

  it('never fetches images, web fonts (even at addresses without a file extension) or audio and video, and still loads scripts and styles', async () => {
    const { server, pool } = await setup()
    const page = `<!doctype html><html><head><link rel="stylesheet" href="/plain.css">
<style>@font-face { font-family: Bench; src: url('/font?family=bench') format('woff2'); } body { font-family: Bench; }</style></head>
<body><img src="/picture?id=1"><p>text in a web font</p>
<video src="/clip.mp4" preload="auto" autoplay muted></video><audio src="/sound.MP3?v=1" preload="auto"></audio>
<script src="/app.js"></script></body></html>`
    server.set('https://rendered.example.gov/bare.html', {
      body: page,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    })
    server.set('https://rendered.example.gov/plain.css', {
      body: 'p{color:red}',
      headers: { 'content-type': 'text/css' },
    })
    const script = 'document.body.setAttribute("data-script", "ran")'
    server.set('https://rendered.example.gov/app.js', { body: script, headers: { 'content-type': 'text/javascript' } })
    server.set('https://rendered.example.gov/picture?id=1', { body: 'png', headers: { 'content-type': 'image/png' } })
    server.set('https://rendered.example.gov/font?family=bench', {
      body: 'woff2',
      headers: { 'content-type': 'font/woff2' },
    })
    server.set('https://rendered.example.gov/clip.mp4', { body: 'mp4', headers: { 'content-type': 'video/mp4' } })
    server.set('https://rendered.example.gov/sound.MP3?v=1', { body: 'mp3', headers: { 'content-type': 'audio/mpeg' } })
    const out = await pool.render({ url: 'https://rendered.example.gov/bare.html', waitFor: 'body[data-script]' })
    expect(out.html).toContain('data-script="ran"')
    expect(server.hits('https://rendered.example.gov/plain.css')).toBe(1)
    expect(server.requests.filter((r) => /^\/(picture|font|clip|sound)/.test(r.path))).toEqual([])
  })

  it('waits for CSS selectors in the document and in open shadow roots, and for Playwright selectors', async () => {
    const { server, pool } = await setup()
    const page = `<!doctype html><html><body><div id="host"></div><script>
  setTimeout(function () {
    var root = document.getElementById('host').attachShadow({ mode: 'open' });
    var item = document.createElement('li'); item.className = 'shadowed'; item.textContent = 'inside a shadow root';
    root.appendChild(item);
    document.body.setAttribute('data-shadow', 'yes');
  }, 30);
  setTimeout(function () { document.body.setAttribute('data-ready', 'yes') }, 60);
</script></body></html>`
    server.set('https://rendered.example.gov/shadow.html', {
      body: page,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    })
    const url = 'https://rendered.example.gov/shadow.html'
    // Each wait returns once its selector appeared, and not before: the page marks each step on <body>
    // (the shadow root's content itself is not part of the document's HTML).
    const waits = [
      ['li.shadowed', 'data-shadow="yes"'],
      ['body[data-ready="yes"]', 'data-ready="yes"'],
      ['text=inside a shadow root', 'data-shadow="yes"'],
    ]
    for (const [waitFor, mark] of waits) {
      const result = await pool.render({ url, waitFor: waitFor! })
      expect(result.html, waitFor).toContain(mark)
    }
  })

  it("launches Chromium with Playwright's feature list intact: each single-valued switch once", async () => {
    const { pool } = await setup()
    await pool.render({ url: URL_ })
    const args = readFileSync(`/proc/${chromiumChild()}/cmdline`, 'utf8').split('\0')
    // Chromium keeps only the last of a repeated switch: a second one would silently replace the first.
    for (const single of ['--disable-features=', '--enable-features=', '--blink-settings='])
      expect(
        args.filter((a) => a.startsWith(single)),
        single,
      ).toHaveLength(1)
    // Playwright's own list (keeps http:// pages on http, among others) and our Blink settings both hold.
    expect(args.find((a) => a.startsWith('--disable-features='))).toContain('HttpsUpgrades')
    expect(args.find((a) => a.startsWith('--blink-settings='))).toMatch(/primaryHoverType=2,.*imagesEnabled=false/)
  })

  it('returns the document as served and rendered, doctype included', async () => {
    const { pool } = await setup()
    const out = await pool.render({ url: URL_, waitFor: 'p.late' })
    expect(out.html.startsWith('<!DOCTYPE html><html><head><title>Rendered</title>')).toBe(true)
    expect(out.html.endsWith('</body></html>')).toBe(true)
  })

  it('relaunches the browser after it crashes', async () => {
    const { pool } = await setup()
    await pool.render({ url: URL_ })
    const pid = chromiumChild()
    expect(pid).toBeDefined()
    process.kill(pid!, 'SIGKILL')
    await new Promise((r) => setTimeout(r, 300))
    const again = await pool.render({ url: URL_, waitFor: 'p.late' })
    expect(again.html).toContain('rendered by script')
    expect(pool.launches()).toBe(2)
  })

  it('restarts the browser between jobs when it grows past the memory limit', async () => {
    const { pool } = await setup(1)
    for (let i = 0; i < MEMORY_CHECK_EVERY; i++) await pool.render({ url: URL_ })
    expect(pool.launches()).toBe(1)
    await pool.render({ url: URL_ })
    expect(pool.launches()).toBe(2)
  })

  it('fails a job whose selector never appears with a timeout, and a 404 as an http failure', async () => {
    const { server } = await setup()
    const fast = createBrowserPool({
      executablePath: CHROMIUM!,
      userAgent: 'x',
      concurrency: 1,
      navigationTimeoutMs: 500,
      maxMb: 600,
      originOverride: server.origin,
      log: silentLogger,
    })
    pools.push(fast)
    await expect(fast.render({ url: URL_, waitFor: '#never-there' })).rejects.toMatchObject({ reason: 'timeout' })
    await expect(fast.render({ url: 'https://rendered.example.gov/missing.html' })).rejects.toMatchObject({
      reason: 'http',
      status: 404,
    })
  })
})
