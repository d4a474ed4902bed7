import type { Measure } from '../../domain/index.js'
import type { Db } from '../open.js'

export interface MeasureRow extends Measure {
  source_id: string
  first_seen_at: string
  updated_at: string
}

interface RawMeasure extends Omit<MeasureRow, 'proposed_effect'> {
  proposed_effect_json: string | null
}

function fromRaw({ proposed_effect_json, ...rest }: RawMeasure): MeasureRow {
  return { ...rest, proposed_effect: proposed_effect_json ? JSON.parse(proposed_effect_json) : null }
}

/** Bills and rules: one row per measure id, updated in place; its events keep the history. */
export function measureStore(db: Db) {
  const getStmt = db.prepare('SELECT * FROM measures WHERE id = ?')
  const upsertStmt =
    db.prepare(`INSERT INTO measures (id, jurisdiction, title, stage, url, last_action, last_action_date, effective_date,
      proposed_effect_json, source_id, first_seen_at, updated_at)
    VALUES (@id, @jurisdiction, @title, @stage, @url, @last_action, @last_action_date, @effective_date, @proposed_effect_json, @source_id, @now, @now)
    ON CONFLICT (id) DO UPDATE SET jurisdiction = excluded.jurisdiction, title = excluded.title, stage = excluded.stage, url = excluded.url,
      last_action = excluded.last_action, last_action_date = excluded.last_action_date, effective_date = excluded.effective_date,
      proposed_effect_json = excluded.proposed_effect_json, source_id = excluded.source_id, updated_at = excluded.updated_at`)
  const forJurisdictionStmt = db.prepare(
    'SELECT * FROM measures WHERE jurisdiction = ? ORDER BY last_action_date DESC, id',
  )

  return {
    get: (id: string): MeasureRow | undefined => {
      const raw = getStmt.get(id) as RawMeasure | undefined
      return raw ? fromRaw(raw) : undefined
    },
    upsert(measure: Measure, sourceId: string, now: string): void {
      upsertStmt.run({
        ...measure,
        proposed_effect_json: measure.proposed_effect ? JSON.stringify(measure.proposed_effect) : null,
        source_id: sourceId,
        now,
      })
    },
    forJurisdiction: (code: string): MeasureRow[] => (forJurisdictionStmt.all(code) as RawMeasure[]).map(fromRaw),
  }
}
export type MeasureStore = ReturnType<typeof measureStore>
