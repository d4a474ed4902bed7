import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { startService } from '../../src/main.js'
import { tempDir, testApp, testDb } from '../helpers/db.js'
import { cliProcess } from '../helpers/processes.js'

describe('GET /metrics', () => {
  it('needs an admin key unless METRICS_PUBLIC=true', async () => {
    const t = testApp(testDb())
    const admin = t.stores.keys.create('ops', true, t.clock().toISOString()).key
    const user = t.stores.keys.create('reader', false, t.clock().toISOString()).key
    expect((await t.app.request('/metrics')).status).toBe(401)
    expect((await t.app.request('/metrics', { headers: { authorization: `Bearer ${user}` } })).status).toBe(403)
    expect((await t.app.request('/metrics', { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200)
    const open = testApp(testDb(), { METRICS_PUBLIC: 'true' })
    const res = await open.app.request('/metrics')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('kratomwatch_')
  })
})

describe('database start-up errors', () => {
  it('name DATABASE_PATH and say what to check, without a stack trace', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'notes.db'), 'these are notes, not a database\n')
    const cases: [Record<string, string>, string[], RegExp][] = [
      [
        { DATABASE_PATH: join(dir, 'notes.db') },
        ['migrate'],
        /cannot open the SQLite database at DATABASE_PATH ".*notes\.db": file is not a database\. Check/,
      ],
      [{ DATABASE_PATH: join(dir, 'notes.db') }, ['status', 'US-AL'], /DATABASE_PATH ".*notes\.db"/],
      [
        { DATABASE_PATH: join(dir, 'missing.db'), LOG_LEVEL: 'silent' },
        ['serve', '--role', 'api'],
        /DATABASE_PATH ".*missing\.db" does not exist; .*start the writer/,
      ],
    ]
    for (const [env, args, message] of cases) {
      const run = await cliProcess(args, env)
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(message)
      expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /)
    }
  }, 60_000)
})

describe('serve --role api', () => {
  it('opens the database read-only and writes nothing, not even last_used_at on authenticated reads', async () => {
    const path = join(tempDir(), 'kw.db')
    const writer = await startService(
      loadConfig({ PORT: '0', DATABASE_PATH: path, SCHEDULER_ENABLED: 'false' }),
      silentLogger,
    )
    const { key } = writer.core.stores.keys.create('reader', false, new Date().toISOString())
    const reader = await startService(loadConfig({ PORT: '0', DATABASE_PATH: path, ROLE: 'api' }), silentLogger)
    try {
      expect(reader.core.db.readonly).toBe(true)
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`http://127.0.0.1:${reader.port}/webhooks`, {
          headers: { authorization: `Bearer ${key}` },
        })
        expect(res.status).toBe(200)
      }
      expect(writer.core.stores.keys.list()[0]!.last_used_at).toBeNull()
      // On the writer, use is recorded (at most once a minute per key).
      await fetch(`http://127.0.0.1:${writer.port}/webhooks`, { headers: { authorization: `Bearer ${key}` } })
      const first = writer.core.stores.keys.list()[0]!.last_used_at
      expect(first).not.toBeNull()
      await fetch(`http://127.0.0.1:${writer.port}/webhooks`, { headers: { authorization: `Bearer ${key}` } })
      expect(writer.core.stores.keys.list()[0]!.last_used_at).toBe(first)
    } finally {
      await reader.stop()
      await writer.stop()
    }
  })
})
