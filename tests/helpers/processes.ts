import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { onTestFinished } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSX = [process.execPath, ['--import', 'tsx', '--conditions=source', 'src/cli.ts']] as const

export interface ServeProcess {
  child: ChildProcess
  port: number
  base: string
  /** Every stdout line so far (JSON log lines). */
  stdout: string[]
  stderr: () => string
  exited: Promise<number | null>
}

/** Starts `kratomwatch serve` as a real child process on 127.0.0.1; resolves once it listens. Killed after the test. */
export async function serveProcess(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(TSX[0], [...TSX[1], 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let stderr = ''
  const stdout: string[] = []
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line)
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number }
        if (entry.msg === 'kratomwatch listening') resolve(entry.port!)
      } catch {
        // not a log line
      }
    })
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)))
  })
  return { child, port, base: `http://127.0.0.1:${port}`, stdout, stderr: () => stderr, exited }
}

/** Runs one CLI command as a real child process; resolves with its exit code and output. */
export function cliProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(TSX[0], [...TSX[1], ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** `host:pid` of a process that has exited: the owner a SIGKILLed run leaves behind. */
export async function deadOwner(): Promise<string> {
  const { hostname } = await import('node:os')
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return `${hostname()}:${child.pid}`
}

/** `host:pid` of a live process (another writer, e.g. a CLI scrape), killed after the test. */
export async function liveOwner(): Promise<string> {
  const { hostname } = await import('node:os')
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  return `${hostname()}:${child.pid}`
}
