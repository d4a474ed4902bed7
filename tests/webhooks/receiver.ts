import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterEach } from 'vitest'

/** What the receiver answers to one request (`hang` never answers; `close` drops the connection). */
export interface Answer {
  status?: number
  headers?: Record<string, string>
  body?: string
  delayMs?: number
  hang?: boolean
  close?: boolean
}

export interface Received {
  id: string
  timestamp: string
  headers: IncomingHttpHeaders
  body: string
  /** The payload as `standardwebhooks` verified it, or null with `error` when verification failed. */
  verified: unknown
  error: string | null
  /** The secret (of those given) that verified it. */
  verifiedWith: string | null
}

const open: Server[] = []
afterEach(async () => {
  await Promise.all(
    open.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))),
  )
})

/**
 * A webhook receiver on 127.0.0.1 that verifies every request with the `standardwebhooks`
 * package, exactly as a customer would (it tries each secret in `secrets()`), and answers as
 * `answer(n)` says for the n-th request (0-based). Closed after the test.
 */
export async function receiver(options: {
  secrets: () => string[]
  answer?: (n: number, r: Received) => Answer | Promise<Answer>
  port?: number
}) {
  const received: Received[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      }
      let verified: unknown = null
      let error: string | null = null
      let verifiedWith: string | null = null
      for (const secret of options.secrets()) {
        try {
          verified = new Webhook(secret).verify(body, headers)
          verifiedWith = secret
          error = null
          break
        } catch (e) {
          error = (e as Error).message
        }
      }
      const r: Received = {
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        headers: req.headers,
        body,
        verified,
        error,
        verifiedWith,
      }
      const n = received.length
      received.push(r)
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve()
      void Promise.resolve(options.answer?.(n, r) ?? { status: 204 }).then((answer) => {
        if (answer.close) return req.socket.destroy()
        if (answer.hang) return
        setTimeout(() => {
          res.writeHead(answer.status ?? 204, answer.headers)
          res.end(answer.body)
        }, answer.delayMs ?? 0)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  open.push(server)
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    /** Resolves once `count` requests arrived. */
    waitFor(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    async close(): Promise<void> {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      open.splice(open.indexOf(server), 1)
    },
  }
}
