import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The README and docs/ are complete inside the repository and agree with package.json: every relative link
 * resolves to a file here, every `npm run X` exists, and the CLI is shown the way it runs in a checkout
 * (`npm run cli -- …`) or in Docker, never as a bare `kratomwatch …` that `npm install` does not provide.
 */
const ROOT = process.cwd()
const DOCS = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
]
const scripts = Object.keys(
  (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts,
)

describe.each(DOCS)('%s', (file) => {
  const md = readFileSync(file, 'utf8')

  it('links only to files inside the repository', () => {
    expect(md).not.toMatch(/\.\.\/shared\//)
    for (const [, target] of md.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue
      const path = resolve(dirname(file), target!)
      expect(relative(ROOT, path).startsWith('..'), `${target} leaves the repository`).toBe(false)
      expect(existsSync(path), `${target} does not exist`).toBe(true)
    }
  })

  it('names only npm scripts that exist', () => {
    for (const [, name] of md.matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g))
      expect(scripts, `npm run ${name}`).toContain(name)
  })

  it('shows the CLI as it runs after npm install (npm run cli --) or in Docker', () => {
    expect(md).not.toMatch(/npx kratomwatch/)
    const bare = md
      .split('\n')
      .filter((line) => /^(\$ )?kratomwatch (serve|migrate|status|history|keys|scrape)\b/.test(line.trim()))
    expect(bare).toEqual([])
  })
})
