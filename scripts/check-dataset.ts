/**
 * npm run dataset:check — validates every curated dataset file (schema, codes, duplicates, file
 * placement) and prints what it covers. Exit 1 with each problem named when anything is wrong.
 */
import { checkDataset, coverage } from '../src/baseline/check.js'
import { readDataset } from '../src/baseline/load.js'
import { scriptArgs } from './args.js'

const { values } = scriptArgs(
  `
usage: npm run dataset:check [-- --json]

Validates src/baseline/**/*.json (schema, codes, duplicates, file placement) and prints coverage: countries
with a known status, local rules, 7-OH rows, sources by kind. Exits 1 naming each problem.
  --json   print the coverage as JSON
`,
  { json: { type: 'boolean' } },
)
try {
  const dataset = readDataset()
  const problems = checkDataset(dataset)
  for (const p of problems) console.error(`✗ ${p.file}: ${p.entry}: ${p.message}`)
  const cov = coverage(dataset)
  if (values.json) console.log(JSON.stringify(cov, null, 2))
  else {
    console.log(
      `${dataset.files.length} files, ${dataset.entries.length} entries, ${dataset.jurisdictions.length} local places`,
    )
    console.log(
      `countries with a known status: kratom ${cov.countries_known.kratom}, 7-oh ${cov.countries_known['7-oh']} (of ${cov.countries})`,
    )
    console.log(
      `countries with no row: kratom ${cov.countries_missing.kratom.length}, 7-oh ${cov.countries_missing['7-oh'].length}`,
    )
    console.log(`local places with a rule: ${cov.local_places_with_rule}`)
    console.log(`US states without a 7-OH row: ${cov.us_states_without_7oh_row.join(', ') || 'none'}`)
    console.log(`sources by kind: ${JSON.stringify(cov.by_kind)}; confidence: ${JSON.stringify(cov.by_confidence)}`)
  }
  process.exit(problems.length ? 1 : 0)
} catch (error) {
  console.error(`✗ ${(error as Error).message}`)
  process.exit(1)
}
