import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: { '#sdk': fileURLToPath(new URL('./src/scraping/sdk.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts', 'scrapers/**/*.test.ts', 'tests/**/*.test.ts'],
    globals: false,
    // Checks for Chromium once: without it the browser suites skip with one loud line (REQUIRE_CHROMIUM=1 fails instead).
    globalSetup: ['tests/setup/chromium.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: { include: ['src/**'] },
  },
})
