import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { SKIP_LINE } from './chromium.js'

/**
 * Without Chromium, `npm test` passes with every browser suite skipped and one line saying so; with
 * REQUIRE_CHROMIUM=1 (set by .ci/run) the same run fails. CHROMIUM_PATH pointing at a file that does not
 * exist makes Chromium missing for the child run, whatever this machine has installed.
 */
const BROWSER_SUITES = [
  'tests/pipeline/browser.test.ts',
  'scrapers/us/us-aka-state-map.test.ts',
  'scrapers/us-ut/us-ut-code-4-45-104.test.ts',
]

function vitest(env: Record<string, string>) {
  const { REQUIRE_CHROMIUM: _ignored, ...parent } = process.env
  const res = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...BROWSER_SUITES], {
    env: { ...parent, CHROMIUM_PATH: '/nonexistent/chromium', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { status: res.status, out: `${res.stdout}\n${res.stderr}` }
}

describe('browser suites without Chromium', () => {
  it('are skipped, with one line saying how to install it, and the run passes', () => {
    const { status, out } = vitest({})
    expect(out.split(SKIP_LINE).length - 1, out).toBe(1)
    expect(out).toMatch(/Tests\s+1 passed \| \d+ skipped/)
    expect(status, out).toBe(0)
  })

  it('fail the run when REQUIRE_CHROMIUM=1 (CI)', () => {
    const { status, out } = vitest({ REQUIRE_CHROMIUM: '1' })
    expect(out).toContain('REQUIRE_CHROMIUM=1 but no Chromium was found')
    expect(status).not.toBe(0)
  })
})
