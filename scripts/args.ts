/**
 * Argument handling shared by the dev scripts: `--help` prints the usage and exits 0; an unknown option or a
 * missing value prints what was wrong and the usage, and exits 2 (never a stack trace).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Thrown for bad input to a script: printed as `<script>: <message>` with exit code 2, no stack trace. */
export class ScriptUsageError extends Error {}

/** Parses a script's arguments against its options; handles --help and prints errors with the usage. */
export function scriptArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  usage: string,
  options: O,
  argv: string[] = process.argv.slice(2),
) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage.trim())
    process.exit(0)
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    fail(`${(error as Error).message}\n\n${usage.trim()}`)
  }
}

/** Prints `error: <message>` to stderr and exits 2. */
export function fail(message: string): never {
  console.error(`error: ${message}`)
  process.exit(2)
}
