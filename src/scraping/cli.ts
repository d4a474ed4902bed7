import pLimit from 'p-limit'
import { pino } from 'pino'
import type { Config } from '../config.js'
import { JurisdictionCode } from '../domain/index.js'
import { ConfigError, NotFoundError } from '../errors.js'
import { createLogger } from '../log.js'
import { startPresence } from '../cluster/presence.js'
import { openCore } from '../main.js'
import { writeFileSync } from 'node:fs'
import { isoDay } from '../domain/index.js'
import { checkLine, formatCheck, type CheckLine } from './live-check.js'
import { scraperProvenance } from './provenance.js'
import type { RunResult } from './run.js'
import { createScrapingService } from './service.js'

/** One line of the summary table. */
function row(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd()
}

/**
 * `kratomwatch scrape [--only ID] [--jurisdiction CODE] [--dry-run]`: runs the selected scrapers
 * now, printing a progress line per scraper and a summary table. Exit code 1 when any run was
 * degraded or failed. `--dry-run` fetches and parses but writes nothing.
 * With `check` (`scrape --live --check`): dry runs of every selected enabled scraper against its
 * live source, compared with the stored timeline; prints (and with `report`, writes as JSON) one
 * verdict per scraper: ok / would change (before → after) / degraded (reason) / disabled.
 */
export async function runScrapeCommand(
  config: Config,
  options: { only?: string; jurisdiction?: string; dryRun: boolean; check?: { report: string | null } },
): Promise<number> {
  // Logs go to stderr (warnings only) so stdout stays the report.
  const log = createLogger(
    config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
    pino.destination({ fd: 2, sync: true }),
  )
  const core = openCore(config, log)
  // A writer like the service: its runs are its own while its heartbeat lasts (cluster/presence.ts).
  const presence = startPresence({ stores: core.stores, clock: core.clock, role: 'cli', log })
  const service = await createScrapingService({
    config,
    stores: core.stores,
    engine: core.engine,
    clock: core.clock,
    log,
  }).catch((error: unknown) => {
    presence.stop()
    core.db.close()
    throw error
  })
  try {
    let selected = service.registry
    if (options.only) {
      selected = selected.filter((r) => r.def.id === options.only)
      if (selected.length === 0) throw new NotFoundError('scraper', options.only)
    }
    if (options.jurisdiction) {
      const code = JurisdictionCode.safeParse(options.jurisdiction)
      if (!code.success) throw new ConfigError(`"${options.jurisdiction}" is not a jurisdiction code (e.g. US-TX).`)
      selected = selected.filter((r) =>
        r.def.jurisdictions.some((j) => j === code.data || j.startsWith(`${code.data}-`)),
      )
    }
    if (selected.length === 0) {
      console.log('no scraper matches')
      return 0
    }
    const started = Date.now()
    const results: { id: string; result: RunResult | null; disabled: string | null; ms: number }[] = []
    const limit = pLimit(4)
    await Promise.all(
      selected.map((reg) =>
        limit(async () => {
          if (reg.disabled) {
            console.log(`- ${reg.def.id}: disabled (${reg.disabled})`)
            results.push({ id: reg.def.id, result: null, disabled: reg.disabled, ms: 0 })
            return
          }
          const t0 = Date.now()
          const result = await service.runner.run(reg.def, { trigger: 'cli', dryRun: options.dryRun })
          const ms = Date.now() - t0
          results.push({ id: reg.def.id, result, disabled: null, ms })
          if (options.check) return
          const mark = result.outcome === 'degraded' || result.outcome === 'failed' ? '✗' : '✓'
          const detail = options.dryRun
            ? `${result.observations.length} observations (dry run, nothing written)`
            : result.outcome === 'degraded' || result.outcome === 'failed'
              ? `${result.reason ?? ''} ${result.error ?? ''}`.trim()
              : `${result.skipped ? 'content and parser unchanged, skipped' : `${result.counts.observations ?? 0} observations`}, ${result.events.length} events, ${result.counts.held ?? 0} held for review`
          console.log(
            `${mark} ${reg.def.id}: ${result.outcome}${result.run_id ? ` (run ${result.run_id})` : ''} in ${ms} ms: ${detail}`,
          )
          if (options.dryRun && result.observations.length) console.log(JSON.stringify(result.observations, null, 2))
        }),
      ),
    )
    results.sort((a, b) => a.id.localeCompare(b.id))
    if (options.check) {
      const today = isoDay(core.clock())
      const byId = new Map(selected.map((r) => [r.def.id, r.def]))
      const checked: CheckLine[] = results.map(({ id, result, disabled }) =>
        checkLine(core.stores, byId.get(id)!, result, disabled, today),
      )
      for (const line of formatCheck(checked)) console.log(line)
      if (options.check.report) {
        writeFileSync(
          options.check.report,
          JSON.stringify({ checked_at: core.clock().toISOString(), scrapers: checked }, null, 2) + '\n',
        )
        console.log(`report written to ${options.check.report}`)
      }
      return checked.some((l) => l.outcome === 'degraded' || l.outcome === 'failed') ? 1 : 0
    }
    // PROVEN: whether the scraper's parse is tested on a real recorded response (src/scraping/provenance.ts).
    const header = ['SCRAPER', 'OUTCOME', 'REASON', 'OBS', 'EVENTS', 'HELD', 'RUN', 'MS', 'PROVEN']
    const lines = results.map(({ id, result: r, disabled, ms }) =>
      disabled || !r
        ? [id, 'disabled', '', '', '', '', '', '', scraperProvenance(id).provenance]
        : [
            id,
            r.skipped ? 'unchanged (skipped)' : r.outcome,
            r.reason ?? '',
            String(r.observations.length),
            String(r.events.length),
            String(r.counts.held ?? 0),
            r.run_id ? String(r.run_id) : '-',
            String(ms),
            scraperProvenance(id).provenance,
          ],
    )
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
    console.log('')
    console.log(row(header, widths))
    for (const l of lines) console.log(row(l, widths))
    const bad = results.filter(
      (r) => r.result && (r.result.outcome === 'degraded' || r.result.outcome === 'failed'),
    ).length
    console.log(`\n${results.length} scrapers in ${Date.now() - started} ms; ${bad} degraded or failed.`)
    return bad ? 1 : 0
  } finally {
    await service.stop(0)
    presence.stop()
    core.db.close()
  }
}
