/**
 * `npm run docs:sdk` (`-- --help`): writes docs/sdk.md, the reference of everything a scraper imports from `#sdk`,
 * generated from the doc comments in the source (summary and `@example` of each export, the documented fields of
 * each type). A test fails when docs/sdk.md is out of date or an export lacks its summary or example.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import ts from 'typescript'
import { projectPath } from '../src/paths.js'
import { scriptArgs } from './args.js'

/**
 * Observation fields whose zod schema (src/domain/observation.ts, measure.ts) carries no doc comment yet: their
 * one-line meaning, written once here. A doc comment on the schema's property wins over this table.
 */
const FIELD_NOTES: Record<string, string> = {
  kind: "`'status'` for what a source says about a subject in a place; `'measure'` for a bill or rule.",
  jurisdiction: 'Code of the place: `US-LA`, `TH`, `US-CA-SAN-DIEGO` (must exist in the dataset).',
  subject: "`'kratom'` (leaf, powder, extracts) or `'7-oh'` (7-hydroxymitragynine products).",
  status: "`'legal' | 'regulated' | 'restricted' | 'banned' | 'unknown'` — map the source's words with `statusRules`.",
  min_age: 'Minimum age the source states (e.g. 21), else null. Never guess it from another section.',
  conditions: 'Short conditions, each backed by a clause: `["labeling", "no sale to persons under 21"]`.',
  citation: 'Statute, rule or act the status rests on: `"Tex. Health & Safety Code ch. 444"`.',
  summary: 'One sentence a consumer understands.',
  confidence:
    "`'high'` only for what the scraper reads from an official source; `'medium'`/`'low'` when inferred (low goes to review).",
  preempts_local: 'True when the state rule stops local rules below it.',
  evidence: 'Where it was read: `{ text: "<the sentence>", selector: "#section-3" }`.',
  id: 'Measure id: `<JURISDICTION>/<year>/<number>`, e.g. `US-LA/2025/SB154`.',
  title: "The bill's or rule's title as published.",
  stage:
    '`introduced | passed_chamber | passed_legislature | enacted | vetoed | failed | withdrawn | proposed_rule | final_rule`.',
  url: 'Official page of the bill or rule (https).',
  last_action: 'Latest action as the source words it, or null.',
  last_action_date: 'Date of the latest action, `YYYY-MM-DD`, or null.',
  proposed_effect: 'What it would do if it passes: `{ subject, status }`, e.g. from `effectFromTitle`, or null.',
  effective_date: 'When it takes (or took) effect, `YYYY-MM-DD`; null when the source does not say.',
  source_url: 'The page it was read from (https).',
}

/** Summaries of exported types that are declared in src/domain without a doc comment (a doc comment there wins). */
const TYPE_NOTES: Record<string, string> = {
  ObservationInput:
    'What `parse` returns, one per fact: a status observation (`kind: "status"`) or a measure (`kind: "measure"`, a bill or rule). Validated strictly: an unknown field is an error.',
  StatusObservationInput:
    'What a source says about one subject in one place, as `parse` writes it (defaults filled in by validation).',
}

const ORDER = [
  'defineScraper',
  'statusRules',
  'text',
  'isoDate',
  'expectOne',
  'expectRows',
  'expectMatch',
  'effectFromTitle',
]

interface Entry {
  name: string
  group: 'Definition' | 'Helpers' | 'Errors' | 'Types'
  summary: string
  examples: string[]
  signature: string | null
  fields: Field[]
  /** For a union of object types (ObservationInput): the fields of each variant, by its `kind`. */
  variants: { label: string; fields: Field[] }[]
  /** For a type alias that is not an object: its definition. */
  definition: string | null
}

interface Field {
  name: string
  type: string
  optional: boolean
  doc: string
}

/** Types whose fields come from zod schemas: the FIELD_NOTES table fills in fields without a doc comment. */
const OBSERVATION_TYPES = new Set(['StatusObservationInput', 'ObservationInput'])

const doc = (checker: ts.TypeChecker, sym: ts.Symbol) =>
  ts.displayPartsToString(sym.getDocumentationComment(checker)).trim()
const flat = (s: string) => s.replace(/\s+/g, ' ').trim()

/** Reads the exports of src/scraping/sdk.ts with the TypeScript compiler: their doc comments, signatures and fields. */
export function sdkEntries(): Entry[] {
  const file = projectPath('src/scraping/sdk.ts')
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
  const entries: Entry[] = []
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    const name = exported.getName()
    const examples = sym
      .getJsDocTags(checker)
      .filter((t) => t.name === 'example')
      .map((t) =>
        ts
          .displayPartsToString(t.text)
          .replace(/^```ts\n?|\n?```$/g, '')
          .trim(),
      )
    const decl = sym.declarations?.[0]
    const isClass = !!(sym.flags & ts.SymbolFlags.Class)
    const isFunction = !!(sym.flags & ts.SymbolFlags.Function)
    const group = name === 'defineScraper' ? 'Definition' : isFunction ? 'Helpers' : isClass ? 'Errors' : 'Types'
    let signature: string | null = null
    if (isFunction && decl) {
      const sig = checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(sym, decl), ts.SignatureKind.Call)[0]
      signature = sig ? `${name}${checker.signatureToString(sig, undefined, ts.TypeFormatFlags.NoTruncation)}` : null
    }
    const fieldsOf = (type: ts.Type): Field[] =>
      checker.getPropertiesOfType(type).map((p) => ({
        name: p.getName(),
        type: checker.typeToString(
          checker.getTypeOfSymbolAtLocation(p, decl!),
          undefined,
          ts.TypeFormatFlags.NoTruncation,
        ),
        optional: !!(p.flags & ts.SymbolFlags.Optional),
        doc: flat(doc(checker, p)) || (OBSERVATION_TYPES.has(name) ? (FIELD_NOTES[p.getName()] ?? '') : ''),
      }))
    let fields: Field[] = []
    let variants: Entry['variants'] = []
    let definition: string | null = null
    if (group === 'Types' && decl) {
      const type = checker.getDeclaredTypeOfSymbol(sym)
      const objects = type.isUnion() ? type.types.filter((t) => t.getProperty('kind')) : []
      if (type.isUnion() && objects.length === type.types.length && OBSERVATION_TYPES.has(name)) {
        variants = objects.map((t) => ({
          label: `kind: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(t.getProperty('kind')!, decl))}`,
          fields: fieldsOf(t),
        }))
      } else if (ts.isTypeAliasDeclaration(decl)) {
        definition = flat(decl.getText())
      } else fields = fieldsOf(type)
    }
    entries.push({
      name,
      group,
      summary: flat(doc(checker, sym)) || TYPE_NOTES[name] || '',
      examples,
      signature,
      fields,
      variants,
      definition,
    })
  }
  const rank = (e: Entry) => (ORDER.includes(e.name) ? ORDER.indexOf(e.name) : 100)
  return entries.sort(
    (a, b) =>
      ['Definition', 'Helpers', 'Errors', 'Types'].indexOf(a.group) -
        ['Definition', 'Helpers', 'Errors', 'Types'].indexOf(b.group) ||
      rank(a) - rank(b) ||
      a.name.localeCompare(b.name),
  )
}

/** Renders docs/sdk.md from the entries. */
export function renderSdkDocs(entries: Entry[] = sdkEntries()): string {
  const out = [
    '# Scraper SDK reference (`#sdk`)',
    '',
    '<!-- Generated by `npm run docs:sdk` from the doc comments in src/scraping/ and src/errors.ts. Do not edit by hand. -->',
    '',
    "Everything a scraper imports: `import { defineScraper, expectOne, text } from '#sdk'`. Helpers are pure;",
    'the errors make a run `degraded` with a reason (never a status change). The guide: [adding-a-scraper.md](adding-a-scraper.md).',
    '',
  ]
  for (const group of ['Definition', 'Helpers', 'Errors', 'Types'] as const) {
    const items = entries.filter((e) => e.group === group)
    if (!items.length) continue
    out.push(`## ${group}`, '')
    for (const e of items) {
      out.push(`### \`${e.name}\``, '')
      if (e.summary) out.push(e.summary, '')
      if (e.signature) out.push('```ts', e.signature, '```', '')
      if (e.definition) out.push('```ts', e.definition, '```', '')
      for (const ex of e.examples) out.push('Example:', '', '```ts', ex, '```', '')
      const table = (fields: Field[]) => {
        out.push('| Field | Type | Meaning |', '|---|---|---|')
        for (const f of fields)
          out.push(
            `| \`${f.name}\`${f.optional ? ' (optional)' : ''} | \`${f.type.replaceAll('|', '\\|')}\` | ${f.doc.replaceAll('|', '\\|') || '—'} |`,
          )
        out.push('')
      }
      if (e.fields.length) table(e.fields)
      for (const v of e.variants) {
        out.push(`\`${v.label}\`:`, '')
        table(v.fields)
      }
    }
  }
  return out.join('\n').replace(/\n+$/, '\n')
}

export const SDK_DOCS_PATH = projectPath('docs/sdk.md')

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = scriptArgs(
    `
usage: npm run docs:sdk [-- --check]

Writes docs/sdk.md from the doc comments of everything src/scraping/sdk.ts exports (summary, @example, fields).
  --check   write nothing; exit 1 when docs/sdk.md is out of date
`,
    { check: { type: 'boolean' } },
  )
  const text = renderSdkDocs()
  if (values.check) {
    const current = readFileSync(SDK_DOCS_PATH, 'utf8')
    if (current !== text) {
      console.error('docs/sdk.md is out of date: run npm run docs:sdk')
      process.exit(1)
    }
    console.log('docs/sdk.md is up to date')
  } else {
    writeFileSync(SDK_DOCS_PATH, text)
    console.log(`wrote ${SDK_DOCS_PATH}`)
  }
}
