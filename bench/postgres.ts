/**
 * PostgreSQL for the bench: a throwaway cluster from the installed binaries (as the tests start one,
 * but with PostgreSQL's default durability, as a real server has), started once per bench process, or
 * BENCH_DATABASE_URL (an admin URL). Each case gets a fresh database. Null when PostgreSQL is missing.
 */
import pg from 'pg'
import { pgBin, startCluster } from '../tests/setup/postgres.js'

let admin: Promise<string | null> | undefined
let databases = 0

async function adminUrl(): Promise<string | null> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL
  const bin = pgBin()
  if (!bin) return null
  const cluster = await startCluster(bin, true)
  process.once('exit', () => cluster.stop())
  return cluster.url
}

/** A new empty database's URL, or null (with one line saying so) when there is no PostgreSQL. */
export async function benchPostgresDatabase(): Promise<string | null> {
  const url = await (admin ??= adminUrl())
  if (!url) {
    console.log('  PostgreSQL not installed (apt-get install -y postgresql) nor BENCH_DATABASE_URL set: skipped')
    return null
  }
  const name = `kw_bench_${process.pid}_${++databases}`
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const db = new URL(url)
  db.pathname = `/${name}`
  return db.toString()
}
