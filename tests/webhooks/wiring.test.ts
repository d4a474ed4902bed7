import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { migrate } from '../../src/db/migrate.js'
import { openDb } from '../../src/db/open.js'
import { createStores } from '../../src/db/stores/index.js'
import { silentLogger } from '../../src/log.js'
import { openCore } from '../../src/main.js'
import { newSecret } from '../../src/webhooks/signer.js'
import { tempDir } from '../helpers/db.js'

describe('openCore webhook wiring', () => {
  it('registers the outbox before the baseline load, so a curated change reaches subscribers', () => {
    const DATABASE_PATH = join(tempDir(), 'kw.db')
    const db = openDb(DATABASE_PATH)
    migrate(db)
    const stores = createStores(db)
    const key = stores.keys.create('customer', false, '2026-11-25T00:00:00.000Z')
    const filters = { description: null, jurisdictions: [], include_descendants: false, subjects: [] }
    stores.webhooks.create(
      'ep_all',
      key.record.id,
      { url: 'https://hooks.example/all', events: ['status.changed'], ...filters },
      newSecret(),
      '2026-11-25T00:00:00.000Z',
    )
    stores.webhooks.create(
      'ep_measures',
      key.record.id,
      { url: 'https://hooks.example/m', events: ['measure.introduced'], ...filters },
      newSecret(),
      '2026-11-25T00:00:00.000Z',
    )
    db.close()

    const core = openCore(
      loadConfig({ DATABASE_PATH, ROLE: 'worker' }),
      silentLogger,
      () => new Date('2026-11-25T12:00:00Z'),
    )
    try {
      const changed = core.stores.events.feed({ types: ['status.changed'], limit: 10_000 }).items
      expect(changed.length).toBeGreaterThan(10)
      const queued = core.stores.webhooks.deliveries('ep_all', { limit: 10_000 })
      expect(queued.map((d) => d.event_id).sort((a, b) => a! - b!)).toEqual(changed.map((e) => e.id))
      expect(queued.every((d) => d.state === 'pending')).toBe(true)
      expect(core.stores.webhooks.deliveries('ep_measures', { limit: 10 })).toEqual([])
    } finally {
      core.db.close()
    }
  })
})
