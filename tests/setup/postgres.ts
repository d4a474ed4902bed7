import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrate } from '../../src/db/migrate.js'
import { openPostgres } from '../../src/db/postgres/database.js'

/** The one line printed when the PostgreSQL suites are skipped; it says how to get PostgreSQL. */
export const PG_SKIP_LINE =
  'PostgreSQL not found: the PostgreSQL runs of the store, diff, webhook and scraping suites are SKIPPED. ' +
  'Install it (Debian/Ubuntu: apt-get install -y postgresql) or set TEST_DATABASE_URL to an empty database you own; ' +
  'CI sets REQUIRE_POSTGRES=1 so this fails instead.'

/** The template every test database is copied from: migrated once per run. */
export const TEMPLATE = 'kw_test_template'

declare module 'vitest' {
  export interface ProvidedContext {
    /** An admin URL of the test cluster (its `postgres` database), or '' when there is none. */
    postgresUrl: string
  }
}

/** initdb and pg_ctl from Debian's package (/usr/lib/postgresql/<version>/bin), else from the PATH. */
export function pgBin(): string | null {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin')
  }
  try {
    return execFileSync('sh', ['-c', 'dirname "$(command -v initdb)"'], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })

/**
 * A throwaway cluster in a temp folder on a free loopback port, tuned for tests (no fsync) unless
 * `durable` (the bench: PostgreSQL's default durability, as a real server has). PostgreSQL refuses to
 * run as root, so as root (CI) it runs as Debian's `postgres` user.
 */
export async function startCluster(bin: string, durable = false): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'kratomwatch-pg-'))
  const asRoot = userInfo().uid === 0
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0)
  const run = (cmd: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : join(bin, cmd),
      asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args,
      {
        stdio: 'pipe',
      },
    )
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const port = await freePort()
  const tuning = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=400${tuning}`
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * Vitest global setup of the `postgres` project: a PostgreSQL cluster for the run (TEST_DATABASE_URL,
 * or a throwaway one started from the installed binaries) with a migrated template database; each
 * test database is a copy of it (tests/helpers/db.ts). Without PostgreSQL the project's tests skip
 * with one loud line; REQUIRE_POSTGRES=1 (CI) fails instead.
 */
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  let admin = process.env.TEST_DATABASE_URL
  let stop: (() => void) | undefined
  if (!admin) {
    const bin = pgBin()
    if (!bin) {
      if (process.env.REQUIRE_POSTGRES === '1')
        throw new Error(`REQUIRE_POSTGRES=1 but ${PG_SKIP_LINE.replace(/ CI sets .*$/, '')}`)
      process.stderr.write(`\n\x1b[1;33m⚠ ${PG_SKIP_LINE}\x1b[0m\n\n`)
      project.provide('postgresUrl', '')
      return undefined
    }
    ;({ url: admin, stop } = await startCluster(bin))
  }
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`)
  await client.query(`CREATE DATABASE ${TEMPLATE}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${TEMPLATE}`
  const db = openPostgres(url.toString())
  migrate(db)
  db.close()
  project.provide('postgresUrl', admin)
  return stop
}
