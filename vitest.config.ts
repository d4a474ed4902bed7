import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The suites that also run on PostgreSQL (project `postgres`): stores, diff engine, webhooks,
 * scraping pipeline and the read API, each on a fresh database copied from a migrated template.
 */
const POSTGRES_SUITES = [
  'tests/diff/**/*.test.ts',
  'tests/webhooks/**/*.test.ts',
  // The read API's answers (the HTTP layer itself, caching and limits, does not depend on the engine).
  'tests/api/{jurisdictions,changes,honest-answers}.test.ts',
  'tests/pipeline/{scrape-run,service,follow,abandoned-runs,http-routes,cli-scrape}.test.ts',
  'tests/postgres/**/*.test.ts',
]

export default defineConfig({
  resolve: {
    alias: { '#sdk': fileURLToPath(new URL('./src/scraping/sdk.ts', import.meta.url)) },
  },
  test: {
    globals: false,
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: { include: ['src/**'] },
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'scrapers/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['tests/postgres/**'],
          // Checks for Chromium once: without it the browser suites skip with one loud line (REQUIRE_CHROMIUM=1 fails instead).
          globalSetup: ['tests/setup/chromium.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_SUITES,
          // SQLite's own: file pragmas, STRICT tables, its schema snapshot (tests/postgres/ has PostgreSQL's).
          exclude: ['tests/db/migrations.test.ts'],
          env: { TEST_ENGINE: 'postgres' },
          // A throwaway PostgreSQL cluster for the run; without PostgreSQL these skip loudly (REQUIRE_POSTGRES=1 fails).
          globalSetup: ['tests/setup/postgres.ts'],
        },
      },
    ],
  },
})
