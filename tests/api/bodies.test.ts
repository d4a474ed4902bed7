import { request } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { silentLogger } from '../../src/log.js'
import { startService } from '../../src/main.js'
import { tempDir, testApp, testDb } from '../helpers/db.js'

const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }

/** Sends a POST over a real socket, writing `chunks` of 1 MiB until the server answers; resolves with the answer and what was sent. */
function flood(
  port: number,
  key: string,
  options: { declaredLength?: number; maxMiB: number },
): Promise<{ status: number; body: string; sentMiB: number }> {
  return new Promise((resolve, reject) => {
    let sentMiB = 0
    let answered = false
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
    }
    if (options.declaredLength) headers['content-length'] = options.declaredLength
    const req = request({ host: '127.0.0.1', port, path: '/webhooks', method: 'POST', headers }, (res) => {
      answered = true
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => {
        req.destroy()
        resolve({ status: res.statusCode!, body, sentMiB })
      })
    })
    req.on('error', (error) => (answered ? undefined : reject(error)))
    const chunk = Buffer.alloc(1024 * 1024, 0x20)
    const pump = () => {
      if (answered || sentMiB >= options.maxMiB) return
      sentMiB++
      if (req.write(chunk)) setImmediate(pump)
      else req.once('drain', pump)
    }
    req.write('{"url": "')
    pump()
  })
}

describe('request bodies', () => {
  it('answers 413 problem+json to a body over 64 kB without reading it all, declared or chunked', async () => {
    const path = join(tempDir(), 'kw.db')
    const service = await startService(
      loadConfig({ PORT: '0', DATABASE_PATH: path, SCHEDULER_ENABLED: 'false', ...ENV }),
      silentLogger,
    )
    try {
      const key = service.core.stores.keys.create('big', false, new Date().toISOString()).key
      const declared = await flood(service.port, key, { declaredLength: 300 * 1024 * 1024, maxMiB: 300 })
      expect(declared.status).toBe(413)
      expect(declared.sentMiB).toBeLessThan(300)
      expect(JSON.parse(declared.body)).toMatchObject({
        type: 'https://kratomwatch.dev/problems/payload-too-large',
        status: 413,
        detail: expect.stringMatching(/larger than 65536 bytes/),
      })
      const chunked = await flood(service.port, key, { maxMiB: 300 })
      expect(chunked.status).toBe(413)
      expect(chunked.sentMiB).toBeLessThan(300)
      // The service is unharmed and nothing was created.
      const list = await fetch(`http://127.0.0.1:${service.port}/webhooks`, {
        headers: { authorization: `Bearer ${key}` },
      })
      expect(((await list.json()) as { items: unknown[] }).items).toEqual([])
    } finally {
      await service.stop()
    }
  }, 60_000)

  it('answers 415 naming the content type to a form, multipart or text body', async () => {
    const t = testApp(testDb(), ENV)
    const key = t.stores.keys.create('k', false, t.clock().toISOString()).key
    const post = (body: BodyInit, type?: string) =>
      t.app.request('/webhooks', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, ...(type ? { 'content-type': type } : {}) },
        body,
      })
    const form = new FormData()
    form.set('url', 'http://127.0.0.1:9/hook')
    for (const [res, name] of [
      [
        await post('url=http://127.0.0.1:9/hook', 'application/x-www-form-urlencoded'),
        'application/x-www-form-urlencoded',
      ],
      [await post(form), 'multipart/form-data'],
      [await post('{"url":"http://127.0.0.1:9/hook"}', 'text/plain'), 'text/plain'],
    ] as const) {
      expect(res.status).toBe(415)
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(((await res.json()) as { detail: string }).detail).toContain(`"${name}"`)
    }
    expect((await post('{"url":"http://127.0.0.1:9/hook"}', 'application/json; charset=utf-8')).status).toBe(201)
  })
})
