import type { Db } from '../open.js'

/** A writer process as the others see it: alive while its heartbeat is fresh. */
export interface ProcessRow {
  id: string
  role: string
  started_at: string
  heartbeat_at: string
}

/**
 * What processes sharing one database tell each other: who is alive (heartbeats), and which
 * scheduled ticks are taken. Claims are single statements, so they hold across processes and
 * machines on both engines.
 */
export function clusterStore(db: Db) {
  const beat = db.prepare(`INSERT INTO processes (id, role, started_at, heartbeat_at) VALUES (@id, @role, @now, @now)
    ON CONFLICT (id) DO UPDATE SET role = excluded.role, heartbeat_at = excluded.heartbeat_at`)
  const leave = db.prepare('DELETE FROM processes WHERE id = ?')
  const getProcess = db.prepare('SELECT id, role, started_at, heartbeat_at FROM processes WHERE id = ?')
  const forget = db.prepare('DELETE FROM processes WHERE heartbeat_at < ?')
  const claimTick = db.prepare(
    'INSERT INTO scheduled_ticks (tick, holder, claimed_at) VALUES (?, ?, ?) ON CONFLICT (tick) DO NOTHING',
  )
  const finishTick = db.prepare('UPDATE scheduled_ticks SET finished_at = ? WHERE tick = ? AND holder = ?')
  const pruneTicks = db.prepare('DELETE FROM scheduled_ticks WHERE claimed_at < ?')

  return {
    /** Records that process `id` is alive now (first call registers it). */
    heartbeat: (id: string, role: string, now: string) => void beat.run({ id, role, now }),
    /** A stopping process removes its row: it owns nothing any more. */
    leave: (id: string) => void leave.run(id),
    process: (id: string): ProcessRow | undefined => getProcess.get(id) as ProcessRow | undefined,
    /** Drops rows of processes silent since `before` (they died without leaving). */
    forgetSilent: (before: string): number => forget.run(before).changes,
    /** True for the one process that claims `tick` first; every other claim of it is refused. */
    claimTick: (tick: string, holder: string, now: string): boolean => claimTick.run(tick, holder, now).changes === 1,
    finishTick: (tick: string, holder: string, now: string) => void finishTick.run(now, tick, holder),
    /** Forgets ticks claimed before `before` (the daily maintenance keeps 30 days). */
    pruneTicks: (before: string): number => pruneTicks.run(before).changes,
  }
}
export type ClusterStore = ReturnType<typeof clusterStore>
