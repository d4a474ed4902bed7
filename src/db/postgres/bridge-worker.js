// @ts-check
/**
 * The PostgreSQL side of the synchronous bridge (see bridge.ts), run in a worker thread: one
 * node-postgres client for every statement of the process, in order, and one more connection that
 * LISTENs for data changes and counts them in shared memory for the read cache. Plain JavaScript so
 * the worker starts in ~0.1 s without a TypeScript loader.
 */
import { Buffer } from 'node:buffer'
import { setTimeout as sleep } from 'node:timers/promises'
import { workerData } from 'node:worker_threads'
import pg from 'pg'
import { DATA_CHANNEL, SLOT } from './protocol.js'

/** @typedef {import('./protocol.js').BridgeRequest} BridgeRequest */
/** @typedef {import('./protocol.js').BridgeReply} BridgeReply */

const {
  url,
  state: sab,
  port,
  readOnly,
} = /** @type {import('./protocol.js').BridgeSetup & { port: import('node:worker_threads').MessagePort }} */ (
  workerData
)
const state = new Int32Array(sab)

// Integers as numbers (ids and counts fit), booleans as 1/0 like SQLite, numerics as floats.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.BOOL, (v) => (v === 't' ? 1 : 0))

const client = new pg.Client({ connectionString: url, application_name: 'kratomwatch' })
/** @type {string | null} */
let broken = null
client.on('error', (error) => (broken = error.message))

/** @param {BridgeReply} message */
function reply(message) {
  port.postMessage(message)
  Atomics.store(state, SLOT.done, 1)
  Atomics.notify(state, SLOT.done)
}

/**
 * @param {BridgeRequest} request
 * @returns {Promise<BridgeReply>}
 */
async function handle(request) {
  if (request.kind === 'connect') {
    await client.connect()
    if (readOnly) await client.query('SET default_transaction_read_only = on')
    void listen()
    return { id: request.id, rows: [], rowCount: 0 }
  }
  if (request.kind === 'close') {
    stopped = true
    await Promise.allSettled([client.end(), listener?.end()])
    return { id: request.id, rows: [], rowCount: 0 }
  }
  if (broken) throw new Error(`the PostgreSQL connection was lost (${broken}); restart the process`)
  const values = request.params.map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v) : v))
  // Without parameters: the simple protocol, which also runs several statements (migrations).
  const result = request.array
    ? await client.query({ text: request.sql, values, rowMode: 'array' })
    : values.length
      ? await client.query({ text: request.sql, values })
      : await client.query(request.sql)
  /** @type {pg.QueryResult | undefined} */
  const last = Array.isArray(result) ? result.at(-1) : result
  return { id: request.id, rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 }
}

// Data changes: statement triggers NOTIFY on DATA_CHANNEL; every notice bumps a shared counter the
// main thread reads for free. While this listener is down the main thread's data version changes
// every 250 ms instead (bridge.ts), so caches never serve data older than that.
/** @type {pg.Client | null} */
let listener = null
let stopped = false
async function listen() {
  while (!stopped) {
    const conn = new pg.Client({ connectionString: url, application_name: 'kratomwatch-listen' })
    try {
      await conn.connect()
      listener = conn
      conn.on('notification', () => Atomics.add(state, SLOT.version, 1))
      await conn.query(`LISTEN ${DATA_CHANNEL}`)
      Atomics.store(state, SLOT.listening, 1)
      Atomics.add(state, SLOT.version, 1)
      await new Promise((resolve) => {
        conn.once('error', resolve)
        conn.once('end', resolve)
      })
    } catch {
      // retried below
    }
    Atomics.store(state, SLOT.listening, 0)
    Atomics.add(state, SLOT.version, 1)
    await conn.end().catch(() => undefined)
    if (!stopped) await sleep(1000)
  }
}

port.on('message', (/** @type {BridgeRequest} */ request) => {
  handle(request).then(reply, (/** @type {Error & { code?: string, detail?: string }} */ error) =>
    reply({
      id: request.id,
      error: { message: error.message, code: error.code ?? null, detail: error.detail ?? null },
    }),
  )
})
