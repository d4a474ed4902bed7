/**
 * `npm run db:new -- <snake_description>` (`-- --help`): creates migrations/NNNN_<description>.sql with the
 * next free number and a `-- why:` header to fill in. Migrations are forward-only and never edited once merged.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MIGRATIONS_DIR, readMigrations } from '../src/db/migrate.js'
import { fail, scriptArgs } from './args.js'

/** Writes the next migration file in `dir`; returns its path. Refuses a bad name. */
export function newMigration(dir: string, description: string): string {
  if (!/^[a-z0-9]+(_[a-z0-9]+)*$/.test(description))
    throw new Error(`"${description}" must be a lower-case snake_case description, e.g. add_measure_sponsors`)
  const next = (readMigrations(dir).at(-1)?.version ?? 0) + 1
  const file = join(dir, `${String(next).padStart(4, '0')}_${description}.sql`)
  if (existsSync(file)) throw new Error(`${file} exists already`)
  writeFileSync(
    file,
    `-- ${String(next).padStart(4, '0')}_${description}.sql\n-- why: TODO(#13): say why this change is needed, in one or two lines.\n`,
  )
  // Its PostgreSQL twin: the same change in PostgreSQL's dialect (BIGINT identity ids, BYTEA, TEXT COLLATE "C").
  const twinDir = join(dir, 'postgres')
  if (existsSync(twinDir))
    writeFileSync(
      join(twinDir, `${String(next).padStart(4, '0')}_${description}.sql`),
      `-- PostgreSQL twin of migrations/${String(next).padStart(4, '0')}_${description}.sql: the same tables and columns.\n`,
    )
  return file
}

const USAGE = `
usage: npm run db:new -- <snake_description>

Creates migrations/NNNN_<snake_description>.sql (the next number) with a "-- why:" header, and its
PostgreSQL twin migrations/postgres/NNNN_<snake_description>.sql. Write plain SQL (STRICT tables on SQLite;
the same tables and columns in PostgreSQL's dialect in the twin); each is applied at the next start, in one
transaction, and recorded with its sha256, so never edit it once merged. Then: npx vitest run tests/db
tests/postgres (the schema snapshot, and the two engines' schemas compared).

example: npm run db:new -- add_measure_sponsors
`

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals } = scriptArgs(USAGE, {})
  const [description] = positionals
  if (!description || positionals.length > 1) fail(`db:new needs exactly one snake_case description\n\n${USAGE.trim()}`)
  try {
    console.log(`created ${newMigration(MIGRATIONS_DIR, description)}`)
  } catch (error) {
    fail((error as Error).message)
  }
}
