import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { startService } from '../../src/main.js'
import { tempDir } from '../helpers/db.js'

describe('the real server', () => {
  it('starts on a fresh database file, serves Alabama over HTTP and stops cleanly', async () => {
    const config = loadConfig({
      PORT: '0',
      DATABASE_PATH: join(tempDir(), 'nested', 'kw.db'),
      ROLE: 'all',
      SCHEDULER_ENABLED: 'false',
    })
    const service = await startService(config, silentLogger)
    try {
      const base = `http://127.0.0.1:${service.port}`
      const ready = await fetch(`${base}/readyz`)
      expect(ready.status).toBe(200)
      const res = await fetch(`${base}/jurisdictions/US-AL`)
      expect(res.status).toBe(200)
      expect(res.headers.get('etag')).toBeTruthy()
      const body = (await res.json()) as { subjects: { kratom: { own: { status: string; citation: string } } } }
      expect(body.subjects.kratom.own.status).toBe('banned')
      const notModified = await fetch(`${base}/jurisdictions/US-AL`, {
        headers: { 'if-none-match': res.headers.get('etag')! },
      })
      expect(notModified.status).toBe(304)
    } finally {
      await service.stop()
    }
  })

  it('runs a read-only API process (--role api) beside the writer, refusing a database the writer has not migrated', async () => {
    const path = join(tempDir(), 'shared.db')
    await expect(
      startService(loadConfig({ PORT: '0', DATABASE_PATH: path, ROLE: 'api' }), silentLogger),
    ).rejects.toThrow(/start the writer/)
    const writer = await startService(
      loadConfig({ PORT: '0', DATABASE_PATH: path, ROLE: 'all', SCHEDULER_ENABLED: 'false' }),
      silentLogger,
    )
    const reader = await startService(loadConfig({ PORT: '0', DATABASE_PATH: path, ROLE: 'api' }), silentLogger)
    try {
      const res = await fetch(`http://127.0.0.1:${reader.port}/jurisdictions/US-AL`)
      expect(res.status).toBe(200)
      expect(
        ((await res.json()) as { subjects: { kratom: { own: { status: string } } } }).subjects.kratom.own.status,
      ).toBe('banned')
    } finally {
      await reader.stop()
      await writer.stop()
    }
  })

  it('reports a port already in use and releases the database', async () => {
    const path = join(tempDir(), 'busy.db')
    const first = await startService(
      loadConfig({ PORT: '0', DATABASE_PATH: path, SCHEDULER_ENABLED: 'false' }),
      silentLogger,
    )
    try {
      await expect(
        startService(
          loadConfig({
            PORT: String(first.port),
            DATABASE_PATH: join(tempDir(), 'other.db'),
            SCHEDULER_ENABLED: 'false',
          }),
          silentLogger,
        ),
      ).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.stop()
    }
  })

  it('refuses to start with a bad setting, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'not a url' })).toThrow(/PUBLIC_BASE_URL/)
  })
})
