/**
 * PostgreSQL behind the same synchronous Db interface the stores use on SQLite (prepare → get / all /
 * run / pluck, transaction(fn) with .immediate(), exec, close). Statements keep SQLite's placeholders
 * (`?` and `@name`); they are rewritten once per statement to `$1…`. An immediate transaction takes a
 * cluster-wide advisory lock: SQLite's one-writer rule, held across every process on every machine,
 * so the diff engine, due transitions and the baseline load never interleave; deferred transactions
 * (webhook claims) rely on row locks with SKIP LOCKED instead.
 */
import type { Db, RunResult, Statement, Transaction, TransactionFn } from '../open.js'
import { openPgBridge, type PgBridge } from './bridge.js'

/** The advisory lock key of immediate (writing) transactions: "kw" + "writer". */
export const WRITER_LOCK = 0x6b77_7772

interface Compiled {
  text: string
  /** What each $n binds: the nth anonymous argument (a number) or a named one (a string). */
  slots: (number | string)[]
}

/**
 * Rewrites `?` and `@name` placeholders to `$n`, leaving string literals, quoted identifiers and
 * comments alone. A name used twice gets one number. As in better-sqlite3, anonymous values are the
 * arguments in order and named ones come from an object argument.
 */
export function compilePlaceholders(sql: string): Compiled {
  let text = ''
  let positional = 0
  const slots: (number | string)[] = []
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1)
      const stop = end === -1 ? sql.length : end + 1
      text += sql.slice(i, stop)
      i = stop
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? sql.length : end
      text += sql.slice(i, stop)
      i = stop
    } else if (ch === '?') {
      text += `$${slots.push(positional++)}`
      i++
    } else if (ch === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0]
      let n = slots.indexOf(name)
      if (n === -1) n = slots.push(name) - 1
      text += `$${n + 1}`
      i += name.length + 1
    } else {
      text += ch
      i++
    }
  }
  return { text, slots }
}

const isNamed = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)

function bind(compiled: Compiled, args: unknown[]): unknown[] {
  const anonymous = args.filter((a) => !isNamed(a)).flat()
  const named = (args.find(isNamed) ?? {}) as Record<string, unknown>
  return compiled.slots.map((slot) => {
    if (typeof slot === 'number') {
      if (slot >= anonymous.length) throw new RangeError('too few parameter values were provided')
      return anonymous[slot]
    }
    if (!(slot in named)) throw new RangeError(`missing named parameter "${slot}"`)
    return named[slot]
  })
}

export interface PostgresDb extends Db {
  readonly dialect: 'postgres'
  /**
   * Changes whenever data changes: at once for this process's own writes, within milliseconds for
   * any other process's commits (their triggers NOTIFY), and every 250 ms while that feed is down.
   */
  dataVersion(): string
}

/** Opens a PostgreSQL database at `url` (postgres://…) behind the synchronous Db interface. */
export function openPostgres(url: string, options: { readonly?: boolean } = {}): PostgresDb {
  const bridge: PgBridge = openPgBridge(url, { readOnly: options.readonly ?? false })
  let ownChanges = 0
  let seen = { other: NaN, own: -1, text: '' }
  let depth = 0
  const cache = new Map<string, Compiled>()

  const execute = (compiled: Compiled, args: unknown[], array = false) =>
    bridge.query(compiled.text, bind(compiled, args), array)

  function prepare(sql: string): Statement {
    let compiled = cache.get(sql)
    if (!compiled) cache.set(sql, (compiled = compilePlaceholders(sql)))
    const c = compiled
    let mode: 'object' | 'pluck' | 'raw' = 'object'
    // Raw rows come from the server as arrays (rowMode 'array'), so repeated column names keep their place.
    const shape = (row: Record<string, unknown> | undefined): unknown =>
      !row || mode !== 'pluck' ? row : row[Object.keys(row)[0]!]
    const statement: Statement = {
      get: (...args) => shape(execute(c, args, mode === 'raw').rows[0]),
      all: (...args) => execute(c, args, mode === 'raw').rows.map(shape),
      run: (...args): RunResult => {
        const { rowCount } = execute(c, args)
        if (rowCount > 0) ownChanges++
        return { changes: rowCount }
      },
      pluck(toggle = true) {
        mode = toggle ? 'pluck' : 'object'
        return statement
      },
      raw(toggle = true) {
        mode = toggle ? 'raw' : 'object'
        return statement
      },
    }
    return statement
  }

  const exec = (sql: string) => {
    bridge.query(sql, [])
    ownChanges++
    return db
  }

  function transaction<F extends TransactionFn>(fn: F): Transaction<F> {
    const run =
      (lock: boolean) =>
      (...args: Parameters<F>): ReturnType<F> => {
        const outer = depth === 0
        const savepoint = `kw_sp_${depth}`
        if (outer) {
          bridge.query('BEGIN', [])
          if (lock) bridge.query(`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`, [])
        } else bridge.query(`SAVEPOINT ${savepoint}`, [])
        depth++
        try {
          const result = fn(...(args as unknown[])) as ReturnType<F>
          if (result instanceof Promise) throw new TypeError('Transaction function cannot return a promise')
          depth--
          bridge.query(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`, [])
          return result
        } catch (error) {
          depth--
          try {
            bridge.query(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`, [])
          } catch {
            // the original error says more
          }
          throw error
        }
      }
    const deferred = run(false)
    return Object.assign(deferred, {
      default: deferred,
      deferred,
      immediate: run(true),
      exclusive: run(true),
    }) as unknown as Transaction<F>
  }

  const db: PostgresDb = {
    dialect: 'postgres',
    readonly: options.readonly ?? false,
    get inTransaction() {
      return depth > 0
    },
    prepare,
    exec,
    transaction,
    dataVersion() {
      const { version, listening } = bridge.changes()
      const other = listening ? version : -Math.floor(performance.now() / 250) // no feed: a new version every 250 ms
      if (other !== seen.other || ownChanges !== seen.own)
        seen = { other, own: ownChanges, text: `${listening ? '' : 'poll'}${other}.${ownChanges}` }
      return seen.text
    },
    close: () => bridge.close(),
    get open() {
      return bridge.open
    },
  }
  return db
}
