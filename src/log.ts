import { pino, type Logger } from 'pino'

export type { Logger }

/** The structured JSON logger: one instance per process, child loggers per run or request. */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'kratomwatch' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ fd: 1, sync: false }),
  )
}

/** A logger that writes nothing, for tests and one-shot CLI commands. */
export const silentLogger: Logger = pino({ level: 'silent' })
