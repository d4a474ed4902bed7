/**
 * Read API throughput: the real server (GET /jurisdictions/:code over every code) against a bare
 * node:http handler serving the same bodies from memory, both in their own process, driven by
 * autocannon at 50 connections. Target: ≥ 0.5 of the bare handler's req/s, p99 < 10 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadConfig } from '../src/config.js'
import { silentLogger } from '../src/log.js'
import { openCore } from '../src/main.js'

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10)

function startTarget(kind: 'api' | 'bare', dbPath: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'bench/serve-target.ts', kind, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /PORT (\d+)/.exec(chunk.toString())?.[1]
      if (port) resolve({ child, port: Number(port) })
    })
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code}`)))
  })
}

async function drive(port: number, paths: string[]) {
  let i = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 50,
    duration: DURATION_S,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  })
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx }
}

export default async function apiBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'))
  const dbPath = join(dir, 'bench.db')
  const core = openCore(loadConfig({ DATABASE_PATH: dbPath }), silentLogger)
  const paths = core.stores.jurisdictions.all().map((j) => `/jurisdictions/${j.code}`)
  core.db.close()
  try {
    const results: Record<string, Awaited<ReturnType<typeof drive>>> = {}
    for (const kind of ['bare', 'api'] as const) {
      const { child, port } = await startTarget(kind, dbPath)
      await drive(port, paths.slice(0, 50)) // warm-up: JIT and the read cache
      results[kind] = await drive(port, paths)
      child.kill('SIGTERM')
    }
    const { api, bare } = results as { api: Awaited<ReturnType<typeof drive>>; bare: Awaited<ReturnType<typeof drive>> }
    console.log(`GET /jurisdictions/:code over ${paths.length} codes, 50 connections, ${DURATION_S}s each`)
    console.log(`  bare node:http  ${bare.rps.toFixed(0).padStart(7)} req/s   p99 ${bare.p99} ms   errors ${bare.errors}`)
    console.log(`  kratomwatch     ${api.rps.toFixed(0).padStart(7)} req/s   p99 ${api.p99} ms   errors ${api.errors}`)
    console.log(`  ratio           ${(api.rps / bare.rps).toFixed(2)}   (target ≥ 0.50; p99 target < 10 ms)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
