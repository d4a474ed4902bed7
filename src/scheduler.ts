import { createTask, type RunCoordinator, type ScheduledTask } from 'node-cron'
import type { Logger } from './log.js'

/** One cron job: a name, a node-cron expression (UTC) and what to trigger. */
export interface Job {
  name: string
  schedule: string
  run: () => Promise<unknown>
}

/**
 * node-cron tasks, one per job, in UTC, without overlap and with a random start delay. The
 * scheduler only triggers; what a job does lives elsewhere (the runner, the diff engine). With a
 * `coordinator`, each tick (a job and its cron slot) runs in one process only, whichever claims it
 * first: several workers share the schedule (cluster/presence.ts).
 */
export function createScheduler(options: {
  jobs: Job[]
  log: Logger
  maxRandomDelayMs?: number
  coordinator?: RunCoordinator
}) {
  const tasks = new Map<string, ScheduledTask>()
  for (const job of options.jobs) {
    const task = createTask(
      job.schedule,
      async () => {
        try {
          await job.run()
        } catch (error) {
          options.log.error({ job: job.name, err: error }, 'scheduled job failed')
        }
      },
      {
        name: job.name,
        timezone: 'UTC',
        noOverlap: true,
        maxRandomDelay: options.maxRandomDelayMs ?? 60_000,
        ...(options.coordinator ? { distributed: true, runCoordinator: options.coordinator } : {}),
      },
    )
    tasks.set(job.name, task)
  }
  return {
    /** Starts every task. */
    async start(): Promise<void> {
      for (const task of tasks.values()) await task.start()
      options.log.info({ jobs: [...tasks.keys()] }, 'scheduler started')
    },
    /** Stops and removes every task; running jobs are not interrupted. */
    async stop(): Promise<void> {
      for (const task of tasks.values()) await task.destroy()
      tasks.clear()
    },
    /** When a job runs next (before the random delay), or null. */
    nextRun: (name: string): Date | null => tasks.get(name)?.getNextRun() ?? null,
    /** The job names scheduled. */
    names: () => [...tasks.keys()],
  }
}
export type Scheduler = ReturnType<typeof createScheduler>
