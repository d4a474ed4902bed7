import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Db } from '../open.js'

export interface ApiKey {
  id: number
  name: string
  prefix: string
  is_admin: boolean
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

const hash = (key: string) => createHash('sha256').update(key).digest()

/** `last_used_at` is written at most this often per key: a read must not make every request a write. */
export const LAST_USED_RESOLUTION_MS = 60_000

/** API keys: shown once at creation, stored as sha256, compared in constant time. */
export function keyStore(db: Db) {
  const insertStmt = db
    .prepare('INSERT INTO api_keys (name, prefix, sha256, is_admin, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id')
    .pluck()
  const byPrefixStmt = db.prepare(
    'SELECT id, name, prefix, sha256, is_admin, created_at, revoked_at, last_used_at FROM api_keys WHERE prefix = ? AND revoked_at IS NULL',
  )
  const listStmt = db.prepare(
    'SELECT id, name, prefix, is_admin, created_at, revoked_at, last_used_at FROM api_keys ORDER BY id',
  )
  const revokeStmt = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
  const touchStmt = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')

  const toKey = (r: Omit<ApiKey, 'is_admin'> & { is_admin: number }): ApiKey => ({ ...r, is_admin: r.is_admin === 1 })

  return {
    /** Creates a key and returns it in clear once (`kw_<prefix>_<secret>`); only its hash is stored. */
    create(name: string, admin: boolean, now: string): { key: string; record: ApiKey } {
      const prefix = randomBytes(4).toString('hex')
      const key = `kw_${prefix}_${randomBytes(24).toString('base64url')}`
      const id = Number(insertStmt.get(name, prefix, hash(key).toString('hex'), admin ? 1 : 0, now))
      return {
        key,
        record: { id, name, prefix, is_admin: admin, created_at: now, revoked_at: null, last_used_at: null },
      }
    },
    /**
     * The live key matching a presented secret, or undefined. Constant-time on the hash. Records
     * `last_used_at` when it is older than a minute, and never on a read-only connection.
     */
    verify(presented: string, now: string): ApiKey | undefined {
      const prefix = /^kw_([0-9a-f]{8})_/.exec(presented)?.[1]
      if (!prefix) return undefined
      const given = hash(presented)
      for (const row of byPrefixStmt.all(prefix) as (Omit<ApiKey, 'is_admin'> & {
        is_admin: number
        sha256: string
      })[]) {
        if (timingSafeEqual(given, Buffer.from(row.sha256, 'hex'))) {
          // A read-only process (serve --role api) never writes; a writer records use to the minute.
          const stale = !row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS
          if (stale && !db.readonly) touchStmt.run(now, row.id)
          const { sha256: _sha, ...rest } = row
          return toKey(rest)
        }
      }
      return undefined
    },
    list: (): ApiKey[] => (listStmt.all() as (Omit<ApiKey, 'is_admin'> & { is_admin: number })[]).map(toKey),
    revoke: (id: number, now: string): boolean => revokeStmt.run(now, id).changes === 1,
  }
}
export type KeyStore = ReturnType<typeof keyStore>
