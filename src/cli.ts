#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { loadConfig } from './config.js'
import { JurisdictionCode, SubjectId } from './domain/index.js'
import { AppError } from './errors.js'
import { createLogger, silentLogger } from './log.js'
import { openCore, openDatabase, startService } from './main.js'
import { runCopyCommand } from './db/copy.js'
import { migrate } from './db/migrate.js'
import { runScrapeCommand } from './scraping/cli.js'
import { createStores } from './db/stores/index.js'
import { keyStore } from './db/stores/keys.js'
import type { StatusViews } from './read/status-view.js'

const USAGE = `kratomwatch — legal status of kratom and 7-OH, with citations and history

Usage:
  kratomwatch serve [--role all|api|worker]   start the HTTP API (and the writer work)
  kratomwatch migrate                          apply database migrations and exit
  kratomwatch status CODE [--at YYYY-MM-DD] [--subject kratom|7-oh]
                                               effective status of a place, with its chain
  kratomwatch history CODE [--limit N]         change events of a place, newest first
  kratomwatch keys create --name NAME [--admin]  create an API key (printed once)
  kratomwatch keys list | keys revoke ID       list or revoke API keys
  kratomwatch scrape [--only ID] [--jurisdiction CODE] [--dry-run]
                                               run scrapers now: a progress line each, then a summary
  kratomwatch scrape --live --check [--only ID] [--jurisdiction CODE] [--report FILE]
                                               live conformance: fetch and parse every enabled source once,
                                               write nothing, report ok / degraded (reason) / would change
  kratomwatch db:copy --from SQLITE_FILE|POSTGRES_URL --to SQLITE_FILE|POSTGRES_URL
                                               copy the whole database into an empty one (SQLite ⇄ PostgreSQL),
                                               then verify row counts and the timeline checksum

Configuration comes from environment variables (see README: Configuration).`

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      at: { type: 'string' },
      subject: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      only: { type: 'string' },
      jurisdiction: { type: 'string' },
      'dry-run': { type: 'boolean' },
      live: { type: 'boolean' },
      check: { type: 'boolean' },
      report: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, arg] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return command || values.help ? 0 : 2
  }
  const config = loadConfig(values.role ? { ...process.env, ROLE: values.role } : process.env)

  switch (command) {
    case 'serve': {
      const log = createLogger(config.LOG_LEVEL)
      const service = await startService(config, log)
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down')
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, 'shutdown failed')
            process.exit(1)
          },
        )
      }
      process.once('SIGTERM', () => shutdown('SIGTERM'))
      process.once('SIGINT', () => shutdown('SIGINT'))
      return new Promise<number>(() => {})
    }
    case 'scrape':
      if (values.check || values.live) {
        if (!values.check || !values.live)
          throw new UsageError(
            'the live conformance check is "kratomwatch scrape --live --check" (both flags); plain runs take neither.',
          )
        return runScrapeCommand(config, {
          only: values.only,
          jurisdiction: values.jurisdiction,
          dryRun: true,
          check: { report: values.report ?? null },
        })
      }
      return runScrapeCommand(config, {
        only: values.only,
        jurisdiction: values.jurisdiction,
        dryRun: values['dry-run'] ?? false,
      })
    case 'migrate': {
      const db = openDatabase(config, { readonly: false })
      const result = migrate(db)
      db.close()
      console.log(
        result.applied.length
          ? `applied ${result.applied.join(', ')}; schema version ${result.current}`
          : `up to date; schema version ${result.current}`,
      )
      return 0
    }
    case 'db:copy':
      return runCopyCommand({ from: values.from, to: values.to })
    case 'status':
    case 'history': {
      if (!arg) throw new UsageError(`${command} needs a jurisdiction code, e.g. "kratomwatch ${command} US-AL"`)
      const code = JurisdictionCode.safeParse(arg)
      if (!code.success) throw new UsageError(`"${arg}" is not a jurisdiction code: ${code.error.issues[0]!.message}`)
      const core = openCore(config, silentLogger)
      try {
        if (command === 'status') {
          const view = core.views.jurisdiction(code.data, values.at)
          if (!view) throw new UsageError(`unknown jurisdiction "${code.data}"`)
          if (values.json) console.log(JSON.stringify(view, null, 2))
          else printStatus(view, values.subject ? SubjectId.parse(values.subject) : undefined)
        } else {
          if (!core.stores.jurisdictions.get(code.data)) throw new UsageError(`unknown jurisdiction "${code.data}"`)
          const page = core.stores.events.forJurisdiction(code.data, { limit: Number(values.limit ?? 50) })
          if (values.json) console.log(JSON.stringify(page, null, 2))
          for (const e of values.json ? [] : page.items) {
            const after = e.after as { status?: string; citation?: string } | null
            console.log(
              `#${e.id} ${e.type} ${e.subject ?? ''} effective ${e.effective_date ?? 'undated'}: ${(e.before as { status?: string } | null)?.status ?? '—'} → ${after?.status ?? '—'}  [${after?.citation ?? e.measure_id ?? ''}]`,
            )
          }
        }
      } finally {
        core.db.close()
      }
      return 0
    }
    case 'keys': {
      const db = openDatabase(config, { readonly: false })
      try {
        migrate(db)
        const keys = keyStore(db)
        const now = new Date().toISOString()
        if (arg === 'create') {
          if (!values.name) throw new UsageError('keys create needs --name NAME (who or what the key is for)')
          const { key, record } = keys.create(values.name, values.admin ?? false, now)
          console.log(key)
          console.error(
            `created ${record.is_admin ? 'admin ' : ''}key #${record.id} "${record.name}". It is shown only once: store it now.`,
          )
        } else if (arg === 'list') {
          for (const k of keys.list())
            console.log(
              `#${k.id}\t${k.name}\tkw_${k.prefix}_…\t${k.is_admin ? 'admin' : 'user'}\tcreated ${k.created_at}${k.revoked_at ? `\trevoked ${k.revoked_at}` : ''}`,
            )
        } else if (arg === 'revoke') {
          const id = Number(positionals[2])
          if (!Number.isInteger(id) || id <= 0)
            throw new UsageError('keys revoke needs the key id, e.g. "kratomwatch keys revoke 3" (see keys list)')
          const stores = createStores(db)
          const disabled = db
            .transaction(() => {
              if (!keys.revoke(id, now)) throw new UsageError(`no live key #${id}`)
              // A revoked key's subscriptions stop receiving: its owner can no longer see or manage them.
              return stores.webhooks.disableForKey(id, `API key #${id} was revoked`, now)
            })
            .immediate()
          console.log(`revoked key #${id}${disabled ? `; disabled its ${disabled} webhook subscription(s)` : ''}`)
        } else throw new UsageError('keys needs create, list or revoke')
      } finally {
        db.close()
      }
      return 0
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

class UsageError extends AppError {
  readonly code = 'usage'
}

function printStatus(view: NonNullable<ReturnType<StatusViews['jurisdiction']>>, only?: string) {
  console.log(`${view.name} (${view.code}, ${view.level}) as of ${view.as_of}`)
  for (const [subject, s] of Object.entries(view.subjects)) {
    if (only && subject !== only) continue
    const e = s.effective
    const bound = e.at_least ? ` (at least ${e.at_least}, possibly banned)` : ''
    console.log(
      `\n  ${subject}: ${e.status.toUpperCase()}${bound}${e.min_age ? `, ${e.min_age}+` : ''}${e.decided_by ? ` (decided by ${e.decided_by})` : ''}${e.unconfirmed && e.status !== 'unknown' ? ' — unconfirmed' : ''}`,
    )
    console.log(`    ${e.explanation}${e.since ? ` Since ${e.since}.` : ''}`)
    if (s.own) {
      console.log(
        `    own: ${s.own.status} — ${s.own.citation} <${s.own.source_url}> confidence ${s.own.confidence}\n    ${s.own.summary}`,
      )
      console.log(`    sources: ${s.own.sources.map((src) => `${src.kind} <${src.url}>`).join(', ') || 'none'}`)
      const by = s.own.verified_by === 'review' ? 'review' : (s.own.verified_by ?? 'unknown')
      console.log(
        `    last checked against its source: ${s.own.verified_at.slice(0, 10)} by ${by}${s.own.stale ? ' (stale)' : ''}`,
      )
    }
    for (const link of e.chain)
      console.log(
        `    ${link.applied ? '✓' : '·'} ${link.code.padEnd(18)} ${String(link.status ?? '—').padEnd(10)} ${link.note}`,
      )
    for (const u of s.upcoming) console.log(`    upcoming ${u.effective_date}: ${u.status} — ${u.citation}`)
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/kratomwatch')) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message =
        error instanceof AppError
          ? `kratomwatch: ${error.message}`
          : `kratomwatch: unexpected error: ${(error as Error).stack ?? String(error)}`
      console.error(message)
      if (error instanceof UsageError) console.error('\n' + USAGE)
      process.exit(error instanceof AppError ? 2 : 1)
    },
  )
}
