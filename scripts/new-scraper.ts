/**
 * `npm run scraper:new -- <region> <name> [--kind html|browser|json|pdf]`: scaffolds
 * scrapers/<region>/<region>-<name>.ts, its test, and fixtures/<id>/ with a placeholder case.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectPath } from '../src/paths.js'
import { fail, scriptArgs } from './args.js'

/** Writes the scaffold for one scraper; returns the files created. Refuses to overwrite. */
export function scaffoldScraper(
  root: string,
  region: string,
  name: string,
  kind: 'html' | 'browser' | 'json' | 'pdf' = 'html',
): string[] {
  if (!/^[a-z]{2}(-[a-z0-9]+)*$/.test(region))
    throw new Error(`region "${region}" must be a lower-case jurisdiction code such as "us-la" or "th"`)
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name))
    throw new Error(`name "${name}" must be lower-case kebab-case, e.g. "legislature"`)
  const id = `${region}-${name}`
  const code = region.toUpperCase()
  const file = join(root, 'scrapers', region, `${id}.ts`)
  const test = join(root, 'scrapers', region, `${id}.test.ts`)
  const fixtures = join(root, 'fixtures', id)
  if (existsSync(file)) throw new Error(`${file} exists already`)
  mkdirSync(join(root, 'scrapers', region), { recursive: true })
  mkdirSync(fixtures, { recursive: true })
  const today = new Date().toISOString().slice(0, 10)
  writeFileSync(
    file,
    `import { defineScraper, expectOne, text } from '#sdk'

/** TODO(#3): name the official source this scraper reads. */

export default defineScraper({
  id: '${id}',
  title: 'TODO: official source name',
  jurisdictions: ['${code}'],
  trust: 'primary',
  // TODO(#3): pick a quiet hour for the source and say why (dated, e.g. "seen ${today}").
  schedule: '${Math.floor(Math.random() * 60)} ${3 + Math.floor(Math.random() * 4)} * * *',
  parserVersion: '1',
  sources: {
    page: { kind: '${kind}', url: 'https://example.gov/TODO' },
  },
  parse({ page }) {
${
  kind === 'json' || kind === 'pdf'
    ? `    void page\n    return []\n`
    : `    const heading = text(expectOne(page.$, 'h1', 'page heading'))
    return [
      {
        kind: 'status',
        jurisdiction: '${code}',
        subject: 'kratom',
        status: 'unknown',
        citation: heading,
        source_url: page.url,
        confidence: 'low',
      },
    ]
`
}  },
})
`,
  )
  writeFileSync(
    test,
    `import { describe, expect, it } from 'vitest'
import { scrapeFixture } from '../../tests/helpers/fixture-server.js'
import scraper from './${id}.js'

// Facts a person checked against the source (status, citation, effective date, minimum age).
describe('${id}', () => {
  it('reads the recorded page', async () => {
    const run = await scrapeFixture(scraper, 'page-${today.slice(0, 7)}')
    expect(run.outcome).not.toBe('degraded')
    // TODO(#3): assert the verified facts, e.g. expect(run.observations[0]).toMatchObject({ status: 'banned', citation: '…' })
  })
})
`,
  )
  const ext = kind === 'browser' ? 'html' : kind
  writeFileSync(
    join(fixtures, `page-${today.slice(0, 7)}.${ext}`),
    ext === 'html'
      ? `<!-- source: https://example.gov/TODO captured: ${new Date().toISOString()} (placeholder: replace with npm run fixture:capture -- ${id}) -->\n<html><head><title>TODO</title></head><body><h1>TODO</h1></body></html>\n`
      : ext === 'json'
        ? '{}\n'
        : '',
  )
  // Every fixture says where it came from (src/scraping/provenance.ts); a capture replaces this placeholder with provenance real.
  const sidecar = {
    source: 'https://example.gov/TODO',
    captured: new Date().toISOString(),
    provenance: 'synthetic',
    notes: `PLACEHOLDER: replace with npm run fixture:capture -- ${id}`,
  }
  writeFileSync(join(fixtures, `page-${today.slice(0, 7)}.source.json`), JSON.stringify(sidecar, null, 2) + '\n')
  return [file, test, fixtures]
}

const NEW_SCRAPER_USAGE = `
usage: npm run scraper:new -- <region> <name> [--kind html|browser|json|pdf]

Scaffolds scrapers/<region>/<region>-<name>.ts, its fact test and fixtures/<region>-<name>/ with a placeholder case.
  <region>   lower-case jurisdiction code: us-la, th, us-ca-san-diego
  <name>     lower-case kebab-case name of the source: legislature, statutes-hs-444
  --kind     how the source is fetched (default html; browser = rendered by Chromium)

example: npm run scraper:new -- us-la legislature
next:    npm run fixture:capture -- us-la-legislature (docs/adding-a-scraper.md)
`

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = scriptArgs(NEW_SCRAPER_USAGE, { kind: { type: 'string', default: 'html' } })
  const [region, name] = positionals
  if (!region || !name) fail(`scraper:new needs a region and a name\n\n${NEW_SCRAPER_USAGE.trim()}`)
  if (!['html', 'browser', 'json', 'pdf'].includes(values.kind as string))
    fail(`--kind must be html, browser, json or pdf (got "${values.kind}")`)
  try {
    for (const f of scaffoldScraper(projectPath(''), region, name, values.kind as 'html')) console.log(`created ${f}`)
    console.log(
      `next: npm run fixture:capture -- ${region}-${name}   (on a machine with internet), then write parse and the facts in the test.`,
    )
  } catch (error) {
    console.error(`scraper:new: ${(error as Error).message}`)
    process.exit(2)
  }
}
