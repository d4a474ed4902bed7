import { describe, it } from 'vitest'
import { resolveChromium } from '../../src/fetch/browser.js'

/**
 * The Chromium the browser suites use: CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own; null when
 * none exists. Every suite that needs a real browser is declared with `describeWithBrowser`, so without Chromium
 * they are all skipped the same way (tests/setup/chromium.ts says so once, loudly; with REQUIRE_CHROMIUM=1, as
 * in CI, it fails the run instead).
 */
export const CHROMIUM: string | null = resolveChromium(process.env.CHROMIUM_PATH)

/** `describe` for suites that need a real Chromium: skipped when there is none. */
export const describeWithBrowser = describe.skipIf(!CHROMIUM)

/** `it` for a single test that needs a real Chromium inside an otherwise browser-free suite. */
export const itWithBrowser = it.skipIf(!CHROMIUM)
