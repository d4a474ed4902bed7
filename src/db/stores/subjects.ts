import type { Db } from '../open.js'

export interface Subject {
  id: string
  name: string
  description: string
}

/** What a status can be about (`kratom`, `7-oh`): a table, so more can be added. */
export function subjectStore(db: Db) {
  const allStmt = db.prepare(`SELECT id, name, description FROM subjects ORDER BY id <> 'kratom', id`) // kratom first, as inserted
  const hasStmt = db.prepare('SELECT 1 FROM subjects WHERE id = ?').pluck()
  return {
    all: (): Subject[] => allStmt.all() as Subject[],
    has: (id: string): boolean => hasStmt.get(id) !== undefined,
  }
}
export type SubjectStore = ReturnType<typeof subjectStore>
