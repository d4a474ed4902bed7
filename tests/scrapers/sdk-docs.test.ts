import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as sdk from '../../src/scraping/sdk.js'
import { renderSdkDocs, SDK_DOCS_PATH, sdkEntries } from '../../scripts/sdk-docs.js'

/** docs/sdk.md documents every export of #sdk from its doc comments, and is regenerated when they change. */
describe('SDK reference (docs/sdk.md)', () => {
  const entries = sdkEntries()

  it('covers every export of #sdk, values and types', () => {
    const names = entries.map((e) => e.name)
    for (const value of Object.keys(sdk)) expect(names, value).toContain(value)
    for (const type of [
      'ScraperDefinition',
      'HtmlSource',
      'ParseContext',
      'StatusObservationInput',
      'ObservationInput',
    ])
      expect(names).toContain(type)
  })

  it('gives every export a summary, every function and error an example, every field a meaning', () => {
    for (const e of entries) {
      expect(e.summary, `${e.name}: add a doc comment`).not.toBe('')
      if (e.group !== 'Types') expect(e.examples.length, `${e.name}: add an @example`).toBeGreaterThan(0)
      for (const f of [...e.fields, ...e.variants.flatMap((v) => v.fields)])
        expect(f.doc, `${e.name}.${f.name}: document the field`).not.toBe('')
    }
  })

  it('is up to date with the source (npm run docs:sdk regenerates it)', () => {
    expect(
      readFileSync(SDK_DOCS_PATH, 'utf8') === renderSdkDocs(entries),
      'docs/sdk.md is out of date: run npm run docs:sdk',
    ).toBe(true)
  })
})
