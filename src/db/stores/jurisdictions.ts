import type { Jurisdiction, Level, LocalPlace } from '../../domain/index.js'
import type { Db } from '../open.js'

export interface JurisdictionRow extends Jurisdiction {
  origin: 'builtin' | 'dataset'
  /** WGS 84 coordinates of a county or city (from public datasets), else null. */
  lat: number | null
  lon: number | null
  /** A US county's Census FIPS code, else null. */
  fips: string | null
}

export interface JurisdictionFilter {
  level?: Level
  parent?: string
  after?: string
  limit: number
}

/** Places: built-in ISO jurisdictions and the dataset's counties and cities. */
export function jurisdictionStore(db: Db) {
  const upsertStmt = db.prepare(`INSERT INTO jurisdictions (code, name, level, parent, ocd_id, origin, lat, lon, fips)
    VALUES (@code, @name, @level, @parent, @ocd_id, @origin, @lat, @lon, @fips)
    ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent = excluded.parent, ocd_id = excluded.ocd_id,
      lat = excluded.lat, lon = excluded.lon, fips = excluded.fips`)
  const COLUMNS = 'code, name, level, parent, ocd_id, origin, lat, lon, fips'
  const getStmt = db.prepare(`SELECT ${COLUMNS} FROM jurisdictions WHERE code = ?`)
  const listStmt = db.prepare(`SELECT ${COLUMNS} FROM jurisdictions
    WHERE (level = @level OR @level IS NULL) AND (parent = @parent OR @parent IS NULL) AND (code > @after OR @after IS NULL)
    ORDER BY code LIMIT @limit`)
  const allStmt = db.prepare(`SELECT ${COLUMNS} FROM jurisdictions ORDER BY code`)
  const childrenStmt = db.prepare('SELECT code FROM jurisdictions WHERE parent = ? ORDER BY code')

  const get = (code: string): JurisdictionRow | undefined => getStmt.get(code) as JurisdictionRow | undefined

  return {
    /** Inserts or updates places; parents must come before children. */
    upsert(places: (Jurisdiction | LocalPlace)[], origin: 'builtin' | 'dataset'): void {
      db.transaction(() => {
        for (const p of places) {
          const local = p as Partial<LocalPlace>
          const { code, name, level, parent, ocd_id } = p
          upsertStmt.run({
            code,
            name,
            level,
            parent,
            ocd_id,
            origin,
            lat: local.location?.lat ?? null,
            lon: local.location?.lon ?? null,
            fips: local.fips ?? null,
          })
        }
      }).immediate()
    },
    get,
    list: (f: JurisdictionFilter): JurisdictionRow[] =>
      listStmt.all({
        level: f.level ?? null,
        parent: f.parent ?? null,
        after: f.after ?? null,
        limit: f.limit,
      }) as JurisdictionRow[],
    all: (): JurisdictionRow[] => allStmt.all() as JurisdictionRow[],
    children: (code: string): string[] => (childrenStmt.all(code) as { code: string }[]).map((r) => r.code),
    /** The chain from the top-level ancestor down to the place itself, or undefined if unknown. */
    chain(code: string): JurisdictionRow[] | undefined {
      const chain: JurisdictionRow[] = []
      let current = get(code)
      if (!current) return undefined
      while (current) {
        chain.unshift(current)
        if (chain.length > 16) break // a cycle would be a data bug; never loop forever on it
        current = current.parent ? get(current.parent) : undefined
      }
      return chain
    },
    /** Every descendant of a place (children, grandchildren…), for subscription filters. */
    descendants(code: string): string[] {
      const out: string[] = []
      const queue = [code]
      while (queue.length) {
        for (const child of (childrenStmt.all(queue.shift()) as { code: string }[]).map((r) => r.code)) {
          out.push(child)
          queue.push(child)
        }
      }
      return out
    },
  }
}
export type JurisdictionStore = ReturnType<typeof jurisdictionStore>
