import { resolveChromium } from '../../src/fetch/browser.js'

/** The one line printed when the browser suites are skipped; it says how to get a browser. */
export const SKIP_LINE =
  'Chromium not found: every browser suite (UI pages, browser sources, browser pool) is SKIPPED. ' +
  'Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH; CI sets REQUIRE_CHROMIUM=1 so this fails instead.'

/**
 * Vitest global setup: checks once for Chromium. Without it the browser suites skip themselves
 * (tests/helpers/chromium.ts) and this prints one loud line; with REQUIRE_CHROMIUM=1 (CI) a missing browser
 * fails the whole run before any test starts.
 */
export default function setup(): void {
  if (resolveChromium(process.env.CHROMIUM_PATH)) return
  if (process.env.REQUIRE_CHROMIUM === '1') {
    throw new Error(`REQUIRE_CHROMIUM=1 but no Chromium was found. ${SKIP_LINE.replace(/ CI sets .*$/, '')}`)
  }
  process.stderr.write(`\n\x1b[1;33m⚠ ${SKIP_LINE}\x1b[0m\n\n`)
}
