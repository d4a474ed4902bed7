/**
 * A synchronous connection to PostgreSQL. The service's storage layer is synchronous (better-sqlite3:
 * a transaction is one uninterrupted call, so no other request can run inside it), and the stores keep
 * that shape on PostgreSQL: each statement is sent to a worker thread running node-postgres and the
 * calling thread waits for the answer (Atomics.wait on shared memory, the answer taken with
 * receiveMessageOnPort). The cost is one loopback round trip per statement during which this thread
 * waits; the read cache answers repeated reads without a statement, and the writers' work is short
 * transactions. See README "Several nodes on PostgreSQL" for why this was chosen over an async store.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads'
import { DatabaseOpenError } from '../../errors.js'
import { SLOT, type BridgeCall, type BridgeReply, type BridgeSetup } from './protocol.js'

/** How long one statement may take before the process gives up on the database (lock waits included). */
const STATEMENT_WAIT_MS = 120_000

/** An error PostgreSQL returned for a statement, with its SQLSTATE code. */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly detail: string | null,
  ) {
    super(message)
    this.name = 'PostgresError'
  }
}

export interface QueryResult {
  /** Objects by column name, or arrays of column values (`array`). */
  rows: Record<string, unknown>[]
  rowCount: number
}

export interface PgBridge {
  query(sql: string, params: unknown[], array?: boolean): QueryResult
  /** Counts data changes announced by any process (NOTIFY), and whether that feed is live. */
  changes(): { version: number; listening: boolean }
  close(): void
  readonly open: boolean
}

/** Starts the worker and connects (waits for the connection); throws DatabaseOpenError when it cannot. */
export function openPgBridge(url: string, options: { readOnly?: boolean } = {}): PgBridge {
  const state = new Int32Array(new SharedArrayBuffer(4 * 4))
  const channel = new MessageChannel()
  const setup: BridgeSetup & { port: typeof channel.port2 } = {
    url,
    state: state.buffer as SharedArrayBuffer,
    readOnly: options.readOnly ?? false,
    port: channel.port2,
  }
  // Plain JavaScript (bridge-worker.js), the same file from src/ and dist/: no TypeScript loader to start.
  const worker = new Worker(new URL('./bridge-worker.js', import.meta.url), {
    workerData: setup,
    transferList: [channel.port2],
  })
  worker.unref()
  let exited: string | null = null
  worker.once('error', (error) => (exited = error.message))
  worker.once('exit', (code) => (exited ??= `exited with code ${code}`))
  const port = channel.port1
  let nextId = 1
  let open = true

  function call(request: BridgeCall, waitMs = STATEMENT_WAIT_MS): QueryResult {
    if (!open) throw new DatabaseOpenError('the PostgreSQL connection is closed')
    const id = nextId++
    Atomics.store(state, SLOT.done, 0)
    port.postMessage({ ...request, id })
    for (;;) {
      const waited = Atomics.wait(state, SLOT.done, 0, waitMs)
      const got = receiveMessageOnPort(port)?.message as BridgeReply | undefined
      if (got && got.id === id) {
        if (got.error) throw new PostgresError(got.error.message, got.error.code, got.error.detail)
        return { rows: got.rows.map(buffers) as Record<string, unknown>[], rowCount: got.rowCount }
      }
      if (got) continue // a late answer to a statement that timed out before
      if (exited) throw new DatabaseOpenError(`the PostgreSQL bridge stopped (${exited})`)
      if (waited === 'timed-out') throw new DatabaseOpenError(`PostgreSQL did not answer within ${waitMs / 1000} s`)
    }
  }

  try {
    call({ kind: 'connect' }, 30_000)
  } catch (error) {
    void worker.terminate()
    throw new DatabaseOpenError(
      `cannot connect to PostgreSQL at DATABASE_URL (${redactUrl(url)}): ${(error as Error).message}. ` +
        'Check that the server runs, the database exists and the user may log in.',
    )
  }

  return {
    query: (sql, params, array = false) => call({ kind: 'query', sql, params, array }),
    changes: () => ({
      version: Atomics.load(state, SLOT.version),
      listening: Atomics.load(state, SLOT.listening) === 1,
    }),
    close() {
      if (!open) return
      try {
        call({ kind: 'close' }, 5_000)
      } catch {
        // closing anyway
      }
      open = false
      port.close()
      void worker.terminate()
    },
    get open() {
      return open
    },
  }
}

/** Buffers cross the thread boundary as Uint8Array: give bytea columns back as Buffers, as better-sqlite3 does. */
function buffers<R extends Record<string, unknown> | unknown[]>(row: R): R {
  const cells = row as Record<string, unknown>
  for (const key in cells) {
    const v = cells[key]
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) cells[key] = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  }
  return row
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'an unparseable URL'
  }
}
