/**
 * Several writer processes, on one machine or many, sharing one database: each keeps a heartbeat
 * row, and work a process owns (a scrape run, a webhook delivery in flight) is taken over only once
 * that process is gone. On the same host a pid check answers at once; across hosts a heartbeat
 * older than PROCESS_TIMEOUT_MS does.
 */
import { hostname } from 'node:os'
import type { RunCoordinator } from 'node-cron'
import type { Stores } from '../db/stores/index.js'
import { RUN_OWNER } from '../db/stores/runs.js'
import type { Logger } from '../log.js'

/** This process, as its runs, deliveries and ticks name it: host:pid. */
export const PROCESS_ID = RUN_OWNER

export const HEARTBEAT_MS = 5_000
/** A process silent this long is dead: six missed heartbeats. */
export const PROCESS_TIMEOUT_MS = 30_000

/**
 * True when the process `owner` (host:pid) is gone. Pure apart from the pid probe: `heartbeatAt` is
 * its last heartbeat (undefined when it has no row), `now` the time to judge at. This process is
 * never gone; an owner-less row (written before owners existed) always is.
 */
export function ownerGone(owner: string | null, heartbeatAt: string | undefined, now: Date): boolean {
  if (!owner) return true
  if (owner === PROCESS_ID) return false
  const cut = owner.lastIndexOf(':')
  const pid = Number(owner.slice(cut + 1))
  if (owner.slice(0, cut) === hostname() && Number.isInteger(pid)) {
    try {
      process.kill(pid, 0)
      return false
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH'
    }
  }
  return !heartbeatAt || now.getTime() - Date.parse(heartbeatAt) > PROCESS_TIMEOUT_MS
}

/** `ownerGone` with the heartbeat read from the database. */
export function ownerGoneIn(stores: Stores, clock: () => Date): (owner: string | null) => boolean {
  return (owner) => ownerGone(owner, owner ? stores.cluster.process(owner)?.heartbeat_at : undefined, clock())
}

/**
 * Registers this writer process and keeps its heartbeat every HEARTBEAT_MS until stopped; stopping
 * removes the row. A failed heartbeat is logged, never thrown (the next one retries).
 */
export function startPresence(deps: { stores: Stores; clock: () => Date; role: string; log: Logger }) {
  const { stores, clock, role, log } = deps
  const beat = () => {
    try {
      stores.cluster.heartbeat(PROCESS_ID, role, clock().toISOString())
    } catch (error) {
      log.warn({ err: error }, 'heartbeat not recorded')
    }
  }
  beat()
  const timer = setInterval(beat, HEARTBEAT_MS)
  timer.unref()
  return {
    stop(): void {
      clearInterval(timer)
      try {
        stores.cluster.leave(PROCESS_ID)
      } catch {
        // the database is closing; the row expires by itself
      }
    },
  }
}

/**
 * node-cron's run coordinator over the database: the first process to claim a tick (a job and its
 * cron slot) runs it, every other process skips it, whatever machine it runs on.
 */
export function tickCoordinator(stores: Stores, clock: () => Date): RunCoordinator {
  return {
    shouldRun: (key) => stores.cluster.claimTick(key, PROCESS_ID, clock().toISOString()),
    onComplete: (key) => stores.cluster.finishTick(key, PROCESS_ID, clock().toISOString()),
  }
}
