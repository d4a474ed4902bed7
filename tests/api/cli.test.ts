import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../src/cli.js'
import { openDb } from '../../src/db/open.js'
import { createStores } from '../../src/db/stores/index.js'
import { tempDir } from '../helpers/db.js'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

/** Runs the CLI in-process on a temp database, capturing what it prints. */
function cli() {
  vi.stubEnv('DATABASE_PATH', `${tempDir()}/kw.db`)
  vi.stubEnv('LOG_LEVEL', 'silent')
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation(() => {})
  return { out, run: (...argv: string[]) => runCli(argv) }
}

describe('kratomwatch CLI', () => {
  it('prints the effective status of a place with its chain', async () => {
    const { out, run } = cli()
    expect(await run('status', 'us-ca-san-diego', '--subject', 'kratom')).toBe(0)
    const text = out.join('\n')
    expect(text).toMatch(/San Diego \(US-CA-SAN-DIEGO, city\)/)
    expect(text).toMatch(/kratom: BANNED \(decided by US-CA-SAN-DIEGO\)/)
    expect(text).toMatch(/US-CA\s+\S+/)
  })

  it('prints the history of a place, and answers a past date', async () => {
    const { out, run } = cli()
    expect(await run('history', 'US-AL', '--limit', '5')).toBe(0)
    expect(out.join('\n')).toMatch(/status\.changed kratom effective 2016-05-10: legal → banned/)
    out.length = 0
    expect(await run('status', 'US-AL', '--at', '2015-01-01', '--json')).toBe(0)
    expect(JSON.parse(out.join('\n')).subjects.kratom.own.status).toBe('legal')
  })

  it('refuses a malformed or unknown code with a clear message', async () => {
    const { run } = cli()
    await expect(run('status', 'U$')).rejects.toThrow(/not a jurisdiction code/)
    await expect(run('status', 'US-ZZ')).rejects.toThrow(/unknown jurisdiction "US-ZZ"/)
    await expect(run('frobnicate')).rejects.toThrow(/unknown command/)
  })

  it("creates, lists and revokes keys; revoking disables the key's webhook subscriptions", async () => {
    const { out, run } = cli()
    expect(await run('keys', 'create', '--name', 'vendor')).toBe(0)
    const key = out[0]!
    expect(key).toMatch(/^kw_[0-9a-f]{8}_/)
    const db = openDb(process.env.DATABASE_PATH!)
    const stores = createStores(db)
    const owner = stores.keys.verify(key, new Date().toISOString())!
    stores.webhooks.create(
      'ep_test',
      owner.id,
      {
        url: 'https://hooks.example.com/kw',
        description: null,
        events: [],
        jurisdictions: [],
        include_descendants: false,
        subjects: [],
      },
      'whsec_dGVzdA==',
      new Date().toISOString(),
    )
    out.length = 0
    expect(await run('keys', 'list')).toBe(0)
    expect(out[0]).toMatch(/#1\tvendor\tkw_[0-9a-f]{8}_…\tuser/)
    out.length = 0
    expect(await run('keys', 'revoke', String(owner.id))).toBe(0)
    expect(out[0]).toMatch(/revoked key #1; disabled its 1 webhook subscription/)
    expect(stores.webhooks.get('ep_test')).toMatchObject({ enabled: false, disabled_reason: 'API key #1 was revoked' })
    expect(stores.keys.verify(key, new Date().toISOString())).toBeUndefined()
    db.close()
  })
})
