// @ts-check
/**
 * The background checkpointer's thread (checkpoints.ts): its own connection to the SQLite file, copying
 * the write-ahead log into the database every `intervalMs` (a PASSIVE checkpoint: it never waits for, nor
 * blocks, readers and writers). Plain JavaScript, type-checked, so it starts without a TypeScript loader.
 */
import Database from 'better-sqlite3'
import { clearInterval, setInterval } from 'node:timers'
import { parentPort, workerData } from 'node:worker_threads'

/** @type {{ path: string, intervalMs: number, stopped: SharedArrayBuffer }} */
const { path, intervalMs, stopped } = workerData
const flag = new Int32Array(stopped)
const db = new Database(path, { fileMustExist: true })
let failing = false

const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    failing = false
  } catch (error) {
    // Told once per failing spell (the next success resets it); the writer's own checkpoints stay the safety net.
    if (!failing) parentPort?.postMessage({ error: /** @type {Error} */ (error).message })
    failing = true
  }
}
const timer = setInterval(checkpoint, intervalMs)

parentPort?.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
  parentPort?.close()
})
