import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../tests/helpers/db.js'
import { scraperProvenance } from './provenance.js'

function fixtures(files: Record<string, unknown>): string {
  const root = tempDir()
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), typeof body === 'string' ? body : JSON.stringify(body))
  }
  return root
}
const material = (scope: string) => [{ path: 'ecfr/a.xml', scope, test: 'x.test.ts', expects: 'y' }]

describe('scraperProvenance', () => {
  it.each([
    [
      'synthetic fixtures only',
      { 'us-a/c.json': '{}', 'us-a/c.source.json': { provenance: 'synthetic' } },
      'synthetic',
      [],
    ],
    [
      'a captured fixture',
      { 'us-a/c.json': '{}', 'us-a/c.source.json': { provenance: 'real' } },
      'real',
      ['fixtures/us-a/c'],
    ],
    [
      'a real document of the same template',
      { 'us-a/c.source.json': { provenance: 'synthetic' }, 'us-a/real-sources.json': material('template') },
      'real-template',
      ['real-sources/ecfr/a.xml'],
    ],
    [
      'a real response of its own source',
      { 'us-a/c.source.json': { provenance: 'synthetic' }, 'us-a/real-sources.json': material('document') },
      'real',
      ['real-sources/ecfr/a.xml'],
    ],
    ['a sidecar without provenance', { 'us-a/c.source.json': { synthetic: false } }, 'synthetic', []],
  ])('%s', (_what, files, provenance, real) => {
    expect(scraperProvenance('us-a', fixtures(files))).toEqual({ provenance, real_material: real })
  })

  it('is unknown without a fixtures folder (a production image without fixtures claims nothing)', () => {
    expect(scraperProvenance('us-a', fixtures({}))).toEqual({ provenance: 'unknown', real_material: [] })
  })

  it('refuses a malformed real-sources.json with the file and the field', () => {
    const root = fixtures({
      'us-a/real-sources.json': [{ path: '/etc/passwd', scope: 'template', test: 't', expects: 'e' }],
    })
    expect(() => scraperProvenance('us-a', root)).toThrow(/real-sources\.json: 0\.path/)
  })
})
