/**
 * `npm run bench`: runs every `bench/*.bench.ts` in name order (or those named on the command line),
 * prints their details, then one table: measure, figure, target, pass/fail. Not part of `npm test`;
 * speed targets are measured here, never asserted.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { formatTable, type Figure } from './table.js'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const figures: Figure[] = []
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const mod = (await import(pathToFileURL(`${dir}${file}`).href)) as { default: () => Promise<Figure[] | void> }
  figures.push(...((await mod.default()) ?? []))
}
console.log(`\n=== summary ===\n${formatTable(figures)}`)
const failed = figures.filter((f) => f.pass === false).length
console.log(failed ? `${failed} target(s) not met` : 'every target met')
