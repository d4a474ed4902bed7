/**
 * `npm run bench`: runs every `bench/*.bench.ts` in name order (or those named on the command line)
 * and prints their results. Not part of `npm test`; speed targets are measured here, never asserted.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const mod = (await import(pathToFileURL(`${dir}${file}`).href)) as { default: () => Promise<void> }
  await mod.default()
}
