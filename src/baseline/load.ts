import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import { z } from 'zod'
import type { Stores } from '../db/stores/index.js'
import type { ApplyResult, DiffEngine } from '../diff/engine.js'
import {
  Confidence,
  IsoDate,
  JurisdictionCode,
  LocalPlace,
  SourceKind,
  Status,
  StatusObservation,
  SubjectId,
  WebUrl,
  builtinJurisdictions,
} from '../domain/index.js'
import { DatasetError } from '../errors.js'
import { projectPath } from '../paths.js'

/** The curated baseline: reviewed statuses shipped with the code (format: src/baseline/FORMAT.md). */
export const BASELINE_DIR = projectPath('src/baseline/')
export const BASELINE_SOURCE_ID = 'curated-baseline'

/** A source a person read for a dataset entry. */
export const DatasetSource = z
  .object({
    url: WebUrl,
    kind: SourceKind,
    /** What the page is, in a few words: "Ala. Code § 20-2-23 (Justia)", "Reuters, 2025-08-14". */
    title: z.string().trim().min(1).optional(),
  })
  .strict()
export type DatasetSource = z.infer<typeof DatasetSource>

export const DatasetEntry = z
  .object({
    jurisdiction: JurisdictionCode,
    subject: SubjectId,
    status: Status,
    min_age: z.number().int().min(0).max(99).nullable(),
    conditions: z.array(z.string().trim().min(1)),
    citation: z.string().trim().min(1),
    /** Every source read, official first. Empty only for an `unknown` entry, whose note says what was searched. */
    sources: z.array(DatasetSource),
    effective_date: IsoDate.nullable(),
    confidence: Confidence,
    summary: z.string().trim().min(1),
    /** The day a person last read the cited sources for this entry: its `verified_at`. */
    reviewed_on: IsoDate,
    /** Research note: what could not be confirmed, what was searched and when. Required for `unknown`. */
    note: z.string().trim().min(1).optional(),
    preempts_local: z.boolean().optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const kinds = new Set(entry.sources.map((s) => s.kind))
    if (entry.status === 'unknown' && !entry.note) {
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'an unknown entry needs a research note saying what was searched and when',
      })
    }
    if (entry.status !== 'unknown' && entry.sources.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: 'a known status needs at least one source' })
    }
    if (entry.confidence === 'high' && !kinds.has('official')) {
      ctx.addIssue({
        code: 'custom',
        path: ['confidence'],
        message:
          '"high" needs an official source (statute, gazette, schedule, ordinance, agency notice); lower it or cite the official text',
      })
    }
    if (entry.confidence !== 'low' && entry.sources.length > 0 && !kinds.has('official') && !kinds.has('secondary')) {
      ctx.addIssue({
        code: 'custom',
        path: ['confidence'],
        message: 'a status resting only on commercial sources (sellers) is at most "low"',
      })
    }
  })
export type DatasetEntry = z.infer<typeof DatasetEntry>

export const DatasetFile = z
  .object({
    jurisdictions: z.array(LocalPlace),
    entries: z.array(DatasetEntry),
  })
  .strict()
export type DatasetFile = z.infer<typeof DatasetFile>

export interface Dataset {
  files: string[]
  /** sha256 over every file's bytes: the snapshot of this load. */
  sha256: string
  content: string
  jurisdictions: LocalPlace[]
  entries: DatasetEntry[]
  /** Each entry with the file (relative to the dataset folder) it came from. */
  located: { file: string; entry: DatasetEntry }[]
}

/** Reads and validates every dataset file; throws DatasetError naming the file and entry. */
export function readDataset(dir: string = BASELINE_DIR): Dataset {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.split(sep).join('/'))
    .sort()
  const jurisdictions: LocalPlace[] = []
  const entries: DatasetEntry[] = []
  const located: Dataset['located'] = []
  const raw: string[] = []
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8')
    raw.push(`// ${file}\n${text}`)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new DatasetError(
        `${file}: not valid JSON (${(error as Error).message}). Fix the file; see src/baseline/FORMAT.md.`,
        { cause: error },
      )
    }
    const parsed = DatasetFile.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new DatasetError(
        `${file}: ${issue.path.join('.')}: ${issue.message}. Fix the entry; the format is in src/baseline/FORMAT.md.`,
      )
    }
    jurisdictions.push(...parsed.data.jurisdictions)
    entries.push(...parsed.data.entries)
    located.push(...parsed.data.entries.map((entry) => ({ file, entry })))
  }
  const content = raw.join('\n')
  return { files, sha256: createHash('sha256').update(content).digest('hex'), content, jurisdictions, entries, located }
}

/** Orders places so that every parent comes before its children. */
function parentsFirst(places: LocalPlace[], known: (code: string) => boolean): LocalPlace[] {
  const pending = [...places]
  const ordered: LocalPlace[] = []
  const placed = new Set<string>()
  while (pending.length) {
    const index = pending.findIndex(
      (p) =>
        p.parent === null || placed.has(p.parent) || (known(p.parent) && !pending.some((q) => q.code === p.parent)),
    )
    if (index < 0)
      throw new DatasetError(
        `dataset places with unknown parents: ${pending.map((p) => `${p.code} (parent ${p.parent})`).join(', ')}. Declare the parent or fix its code.`,
      )
    const [place] = pending.splice(index, 1)
    ordered.push(place!)
    placed.add(place!.code)
  }
  return ordered
}

/** Inserts or refreshes the built-in ISO jurisdictions. Idempotent. */
export function seedJurisdictions(stores: Stores): void {
  stores.jurisdictions.upsert(builtinJurisdictions(), 'builtin')
}

function entryHash(entry: DatasetEntry): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex')
}

export interface BaselineLoad {
  run_id: number | null
  entries: number
  applied: number
  result: ApplyResult | null
}

/**
 * Loads the dataset as the `curated` source through the diff engine. Only entries not applied
 * before (new or edited) go through, so an unchanged file does nothing and a reload never reverts
 * what a primary source recorded since.
 */
export function loadBaseline(
  stores: Stores,
  engine: DiffEngine,
  dir: string = BASELINE_DIR,
  clock: () => Date = () => new Date(),
): BaselineLoad {
  const dataset = readDataset(dir)
  const places = parentsFirst(dataset.jurisdictions, (code) => stores.jurisdictions.get(code) !== undefined)
  const isApplied = stores.db.prepare('SELECT 1 FROM baseline_entries WHERE sha256 = ?').pluck()
  const markApplied = stores.db.prepare(
    'INSERT INTO baseline_entries (sha256, applied_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
  )
  const fresh = dataset.entries.filter((e) => !isApplied.get(entryHash(e)))
  if (fresh.length === 0) {
    stores.jurisdictions.upsert(places, 'dataset')
    return { run_id: null, entries: dataset.entries.length, applied: 0, result: null }
  }

  const now = clock().toISOString()
  return stores.db
    .transaction((): BaselineLoad => {
      // Again under the write lock: another writer starting at the same time (a second worker on
      // PostgreSQL, a CLI beside the service) may have applied them while this one waited.
      const fresh = dataset.entries.filter((e) => !isApplied.get(entryHash(e)))
      stores.jurisdictions.upsert(places, 'dataset')
      if (fresh.length === 0) return { run_id: null, entries: dataset.entries.length, applied: 0, result: null }
      const runId = stores.runs.start(BASELINE_SOURCE_ID, dataset.sha256.slice(0, 12), 'baseline', now)
      const snapshot = stores.runs.putSnapshot(dataset.content, 'application/json', now)
      stores.runs.attachDocument(runId, 'dataset', 'file:src/baseline/', snapshot.id, now)
      const observations = fresh.map(({ note: _note, ...e }) =>
        StatusObservation.parse({
          kind: 'status',
          ...e,
          preempts_local: e.preempts_local ?? false,
          evidence: { text: e.summary },
        }),
      )
      const result = engine.apply({
        source_id: BASELINE_SOURCE_ID,
        trust: 'curated',
        run_id: runId,
        snapshot_id: snapshot.id,
        observations,
      })
      for (const e of fresh) markApplied.run(entryHash(e), now)
      stores.runs.finish(runId, {
        finished_at: clock().toISOString(),
        outcome: result.events.length ? 'changed' : 'unchanged',
        counts: {
          observations: fresh.length,
          events: result.events.length,
          confirmed: result.confirmed,
          held: result.held,
        },
      })
      return { run_id: runId, entries: dataset.entries.length, applied: fresh.length, result }
    })
    .immediate()
}
