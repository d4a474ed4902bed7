import { fileURLToPath } from 'node:url'

/**
 * Absolute path of a file or folder shipped at the project root (migrations/, src/baseline/…),
 * whether the code runs from src/ (tsx, vitest) or from the compiled dist/src/.
 */
export function projectPath(relative: string): string {
  const root = new URL(import.meta.url.includes('/dist/src/') ? '../../' : '../', import.meta.url)
  return fileURLToPath(new URL(relative, root))
}
