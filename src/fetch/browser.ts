import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import pLimit from 'p-limit'
import type * as Playwright from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { BlockedError, FetchError } from '../errors.js'
import type { Logger } from '../log.js'
import { routeUrl } from './http.js'

/** Playwright's own Blink settings for headless Chromium (playwright-core 1.65), replaced by ours below. */
const PLAYWRIGHT_BLINK_SETTINGS =
  '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Measured 2026-11 on the 2-core machine: these cut a fresh-context render from ~580 to ~420 ms
  // (no extensions, no background throttling of hidden renderers, no translate/hints/media router).
  '--disable-extensions',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // No --disable-features here: Chromium keeps only the last of a repeated switch, and Playwright passes its own
  // list (OptimizationHints, MediaRouter, HttpsUpgrades… 2026-11), which one of ours, coming after, would replace.
  // Images and web fonts are never fetched (Blink's own switches, 2026-11): blocking them by resource type
  // in a route made every request of every page, the document included, a round trip through Node.
  // --blink-settings is single-valued too: this one carries the hover and pointer settings Playwright passes
  // for headless pages (PLAYWRIGHT_BLINK_SETTINGS, left out of its defaults at launch) as well.
  `${PLAYWRIGHT_BLINK_SETTINGS},imagesEnabled=false`,
  '--disable-remote-fonts',
]

/** How to get a browser when none is found; shown in logs and on disabled scrapers. */
export const INSTALL_CHROMIUM_HINT =
  'no Chromium found: install one (Debian/Ubuntu: "apt-get install chromium") or set CHROMIUM_PATH to its executable.'

/**
 * Playwright, loaded on first use: the package takes ~80 MB and most of a second to load (2026-11), which a
 * read-only API process, or a writer whose sources are all plain HTTP, never needs.
 */
const requirePlaywright = () => createRequire(import.meta.url)('playwright-core') as typeof Playwright

/** The Chromium to use: CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own download; null when none exists. */
export function resolveChromium(configured?: string): string | null {
  if (configured) return existsSync(configured) ? configured : null
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  try {
    const own = requirePlaywright().chromium.executablePath()
    return own && existsSync(own) ? own : null
  } catch {
    return null
  }
}

/** Proportional set size (MB) of every Chromium process descending from this one (Linux /proc); null elsewhere. */
export function browserMemoryMb(rootPid: number = process.pid): number | null {
  if (!existsSync('/proc/self/stat')) return null
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(name))
      children.set(ppid, list)
    } catch {
      // the process ended while we looked
    }
  }
  let kb = 0
  const stack = [...(children.get(rootPid) ?? [])]
  while (stack.length) {
    const pid = stack.pop()!
    stack.push(...(children.get(pid) ?? []))
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8')
      if (!/chrom/i.test(comm)) continue
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      const m = /^Pss:\s+(\d+)/m.exec(rollup) ?? /^Rss:\s+(\d+)/m.exec(rollup)
      if (m) kb += Number(m[1])
    } catch {
      // gone, or not readable
    }
  }
  return kb / 1024
}

export interface RenderRequest {
  url: string
  headers?: Record<string, string>
  /** Clicks and waits before the content is read (the source's `prepare`). */
  prepare?: (page: Page) => Promise<void>
  /** A selector that must appear before the content is read. */
  waitFor?: string
}

export interface RenderResult {
  url: string
  status: number
  html: string
}

export interface BrowserPoolOptions {
  executablePath: string
  userAgent: string
  concurrency: number
  navigationTimeoutMs: number
  maxMb: number
  originOverride?: string
  log: Logger
}

/**
 * Audio and video addresses, blocked in the browser's network stack (CDP Network.setBlockedURLs; images
 * and fonts are off by the switches above). A Playwright route did this before, but any route makes
 * Playwright pause every request of the page, document and scripts included, for a round trip through
 * Node, and turns the cache off: without it the bench rendered ~15% more pages/min (2026-11, loaded 2 cores).
 */
const MEDIA_EXTENSIONS = ['mp4', 'm4v', 'webm', 'ogv', 'ogg', 'mov', 'mp3', 'm4a', 'aac', 'wav', 'flac', 'm3u8', 'mpd']
const BLOCKED_MEDIA = MEDIA_EXTENSIONS.flatMap((ext) => [ext, ext.toUpperCase()].flatMap((e) => [`*.${e}`, `*.${e}?*`]))

/**
 * Resolves 'found' once a CSS selector matches an element in the document (checked at once and on
 * every DOM mutation) or in an open shadow root (walked every 100 ms), or 'not-css' at once when the
 * browser's CSS parser refuses it. A string: code passed as a function would carry the dev transpiler's
 * helpers into the page.
 */
const WAIT_FOR_CSS = `(selector) => new Promise((resolve) => {
  try { document.querySelector(selector) } catch { resolve('not-css'); return }
  const inShadow = (root) => {
    for (const el of root.querySelectorAll('*'))
      if (el.shadowRoot && (el.shadowRoot.querySelector(selector) || inShadow(el.shadowRoot))) return true
    return false
  }
  let observer, timer
  const done = () => { observer.disconnect(); clearInterval(timer); resolve('found') }
  observer = new MutationObserver(() => { if (document.querySelector(selector)) done() })
  timer = setInterval(() => { if (document.querySelector(selector) || inShadow(document)) done() }, 100)
  observer.observe(document, { childList: true, subtree: true, attributes: true })
  if (document.querySelector(selector) || inShadow(document)) done()
})`

/**
 * Waits until `selector` is attached. A CSS selector is watched by a few lines in the page: Playwright's
 * waitForSelector first loads its whole selector engine into every page, which cost ~10% of a page's CPU
 * (renderer and browser, measured 2026-11 on the 2-core machine, where CPU bounds pages/min). Playwright's own
 * selector syntax (text=, >>, :has-text…), and anything unusual (the page navigating meanwhile), go to
 * waitForSelector as before, with the time left.
 */
async function waitForSelector(page: Page, selector: string, timeoutMs: number): Promise<void> {
  const { errors } = requirePlaywright()
  const started = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new errors.TimeoutError(`waiting for "${selector}" timed out after ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  let outcome: string
  try {
    outcome = (await Promise.race([page.evaluate(`(${WAIT_FOR_CSS})(${JSON.stringify(selector)})`), timeout]).catch(
      (error: unknown) => {
        if (error instanceof errors.TimeoutError) throw error
        return 'failed'
      },
    )) as string
  } finally {
    clearTimeout(timer)
  }
  if (outcome === 'found') return
  const left = Math.max(1, timeoutMs - (performance.now() - started))
  await page.waitForSelector(selector, { state: 'attached', timeout: left })
}

/**
 * The document as HTML, read as page.content() reads it (doctype, then the root element's outerHTML) but in
 * the page's own world: page.content() first creates a utility world and loads Playwright's injected script
 * into it, on every fresh page (~100 of ~160 ms a page on the loaded 2-core machine, 2026-11). Falls back to
 * page.content() if the page's world cannot answer (a page that replaced these built-ins, or one navigating).
 */
const DOCUMENT_HTML = `(() => {
  const doctype = document.doctype
  const html = (doctype ? new XMLSerializer().serializeToString(doctype) : '') + (document.documentElement?.outerHTML ?? '')
  return typeof html === 'string' ? html : null
})()`

async function documentHtml(page: Page): Promise<string> {
  const html = (await page.evaluate(DOCUMENT_HTML).catch(() => null)) as string | null
  return typeof html === 'string' ? html : page.content()
}

/** Jobs between two memory checks of the browser. */
export const MEMORY_CHECK_EVERY = 10

/**
 * One shared Chromium for browser sources: launched on first use, a fresh context per job (closed
 * after it), images/fonts/media blocked, navigation timeout; relaunched after a crash, and
 * recycled between jobs when it grows past `maxMb`.
 */
export function createBrowserPool(options: BrowserPoolOptions) {
  const limit = pLimit(options.concurrency)
  let browser: Promise<Browser> | null = null
  let active = 0
  let launches = 0
  const closing = new WeakSet<Browser>()

  function get(): Promise<Browser> {
    browser ??= requirePlaywright()
      .chromium.launch({
        executablePath: options.executablePath,
        args: CHROMIUM_ARGS,
        ignoreDefaultArgs: [PLAYWRIGHT_BLINK_SETTINGS],
        headless: true,
      })
      .then((b) => {
        launches++
        b.on('disconnected', () => {
          if (closing.has(b)) return
          options.log.warn('browser disconnected (crashed or killed); it will be relaunched for the next job')
          browser = null
        })
        return b
      })
      .catch((error: unknown) => {
        browser = null
        throw new FetchError(
          `could not launch Chromium at ${options.executablePath}: ${(error as Error).message}`,
          'http',
          null,
          { cause: error },
        )
      })
    return browser
  }

  let jobsSinceCheck = 0
  async function recycleIfLarge(): Promise<void> {
    // Reading /proc for every Chromium process costs milliseconds: check every 10th job.
    if (active > 0 || !browser || ++jobsSinceCheck < MEMORY_CHECK_EVERY) return
    jobsSinceCheck = 0
    const mb = browserMemoryMb()
    if (mb !== null && mb > options.maxMb) {
      options.log.warn({ mb, max: options.maxMb }, 'browser grew too large; restarting it')
      const b = await browser
      browser = null
      closing.add(b)
      await b.close().catch(() => {})
    }
  }

  return {
    /** Renders one page in a fresh context and returns its HTML after `prepare`. */
    render(req: RenderRequest): Promise<RenderResult> {
      return limit(async () => {
        active++
        const b = await get()
        const { target, headers: routeHeaders } = routeUrl(req.url, options.originOverride)
        const context = await b.newContext({
          userAgent: options.userAgent,
          extraHTTPHeaders: { ...routeHeaders, ...req.headers },
          javaScriptEnabled: true,
        })
        try {
          context.setDefaultNavigationTimeout(options.navigationTimeoutMs)
          context.setDefaultTimeout(options.navigationTimeoutMs)
          const page = await context.newPage()
          // The blocking lives in this session (closed with the page); it needs the Network domain on, here
          // without keeping response bodies.
          const cdp = await context.newCDPSession(page)
          // Sent together: the session handles its commands in order, so one round trip instead of two.
          await Promise.all([
            cdp.send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 }),
            cdp.send('Network.setBlockedURLs', { urls: BLOCKED_MEDIA }),
          ])
          let response
          try {
            // 'domcontentloaded', not 'load' or 'networkidle': waitFor/prepare say what must be there (STACK.md).
            response = await page.goto(target, { waitUntil: 'domcontentloaded' })
          } catch (error) {
            const timeout = (error as Error).name === 'TimeoutError'
            throw new FetchError(
              `${req.url}: browser navigation failed: ${(error as Error).message.split('\n')[0]}`,
              timeout ? 'timeout' : 'http',
              null,
              { cause: error },
            )
          }
          const status = response?.status() ?? 0
          if (status === 403 || status === 429)
            throw new BlockedError(`${req.url}: HTTP ${status} in the browser; the source refuses us.`)
          if (status >= 400)
            throw new FetchError(
              `${req.url}: HTTP ${status} in the browser; the page moved or is gone.`,
              'http',
              status,
            )
          try {
            if (req.prepare) await req.prepare(page)
            if (req.waitFor) await waitForSelector(page, req.waitFor, options.navigationTimeoutMs)
          } catch (error) {
            const timeout = (error as Error).name === 'TimeoutError'
            throw new FetchError(
              `${req.url}: the page did not render what the scraper waits for: ${(error as Error).message.split('\n')[0]}`,
              timeout ? 'timeout' : 'http',
              status,
              { cause: error },
            )
          }
          return { url: req.url, status, html: await documentHtml(page) }
        } finally {
          await context.close().catch(() => {})
          active--
          await recycleIfLarge()
        }
      })
    },
    /** Launches so far (1 + restarts). */
    launches: () => launches,
    /** Memory of the browser processes in MB, or null when none runs. */
    memoryMb: () => (browser ? browserMemoryMb() : null),
    /** Closes the browser; a later render launches a new one. */
    async close(): Promise<void> {
      const b = browser
      browser = null
      const launched = b ? await b.catch(() => null) : null
      if (launched) {
        closing.add(launched)
        await launched.close().catch(() => {})
      }
    },
  }
}
export type BrowserPool = ReturnType<typeof createBrowserPool>
