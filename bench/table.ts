/**
 * The bench's closing table: each bench file's default export returns its figures (measure, figure,
 * target, pass), and `bench/run.ts` prints them together once every file has run.
 */
export interface Figure {
  measure: string
  figure: string
  target: string
  pass: boolean | null
}

/** One row of the closing table; `pass` null means informational (no target). */
export function record(measure: string, figure: string, target: string, pass: boolean | null): Figure {
  return { measure, figure, target, pass }
}

/** The closing table as text, one row per figure, widths fitted to the content. */
export function formatTable(figures: Figure[]): string {
  const rows = [
    ['measure', 'figure', 'target', 'result'],
    ...figures.map((f) => [f.measure, f.figure, f.target, f.pass === null ? '-' : f.pass ? 'pass' : 'FAIL']),
  ]
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)))
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n')
}
