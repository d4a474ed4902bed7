/**
 * Background checkpoints for a SQLite file. In WAL mode every commit appends pages to the log, and by
 * default the commit that takes the log past 1,000 pages also copies it back into the database and syncs
 * it to disk, on the committing thread: a diff batch of 10,000 changes wrote ~7,000 pages and then spent
 * ~100–200 ms checkpointing (issue 14), with the event loop (and every API request of that process)
 * waiting. Here a worker thread with its own connection checkpoints every half second instead, and the
 * writer's own automatic checkpoint stays as a safety net, set high enough (40 MB of log) that it runs
 * only if the worker falls far behind (it cannot happen silently: the worker's errors are reported).
 */
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

const INTERVAL_MS = 500
/** The writer checkpoints itself only past this much log; the worker keeps the log well below. */
const SAFETY_NET_BYTES = 40 * 1024 * 1024
/** How long closing waits for the worker to close its connection (it may be in the middle of a checkpoint). */
const STOP_WAIT_MS = 5_000

export interface Checkpointer {
  /** Stops the worker and closes its connection (synchronously), so the writer's close can clean the log up. */
  stop(): void
}

/**
 * Starts checkpointing the file `path` in the background and moves `db`'s own automatic checkpoint to
 * the safety-net size. `onError` hears a failing checkpoint (once per failing spell).
 */
export function startCheckpointer(
  db: Database.Database,
  path: string,
  onError: (message: string) => void = (message) => console.error(`background checkpoint failed: ${message}`),
): Checkpointer {
  const stopped = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { path, intervalMs: INTERVAL_MS, stopped: stopped.buffer },
  })
  worker.unref()
  let running = true
  worker.on('message', (message: { error?: string }) => message.error && onError(message.error))
  worker.once('error', (error) => {
    running = false
    onError(`the checkpoint thread stopped (${error.message}); the writer checkpoints itself from now on`)
    if (db.open) db.pragma('wal_autocheckpoint = 1000')
  })
  worker.once('exit', () => (running = false))
  const pageSize = db.pragma('page_size', { simple: true }) as number
  db.pragma(`wal_autocheckpoint = ${Math.ceil(SAFETY_NET_BYTES / pageSize)}`)
  return {
    stop() {
      if (!running) return
      running = false
      worker.postMessage('stop')
      Atomics.wait(stopped, 0, 0, STOP_WAIT_MS)
      void worker.terminate()
    },
  }
}
