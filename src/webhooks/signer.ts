import { createHmac, randomBytes } from 'node:crypto'

const SECRET_PREFIX = 'whsec_'

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64')
}

// Random bytes for message ids, drawn 512 ids at a time: one randomBytes call per id cost ~5 µs, and a diff
// batch with the outbox makes one id per delivery (17,000 in the bench, 2026-11). Ids are unique, not secret.
const ID_BYTES = 18
let idPool = Buffer.alloc(0)
let idNext = 0

/** A new message id (the `webhook-id` header), unique and stable across retries: `msg_` + 24 random base64url chars. */
export function newMessageId(): string {
  if (idNext + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 512)
    idNext = 0
  }
  const id = 'msg_' + idPool.toString('base64url', idNext, idNext + ID_BYTES)
  idNext += ID_BYTES
  return id
}

/** One `v1,<base64>` signature of `id.timestamp.body` (Standard Webhooks, HMAC-SHA256). */
export function signatureFor(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')
}

/**
 * The three Standard Webhooks headers for one attempt. Every live secret signs (space-separated),
 * so during a rotation a receiver verifies with either the old or the new secret.
 */
export function signedHeaders(
  secrets: string[],
  id: string,
  at: Date,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(at.getTime() / 1000)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signatureFor(s, id, timestamp, body)).join(' '),
  }
}
