import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Scrapers see the framework only through the SDK (STYLE.md: "Scrapers import only from one SDK module").
    files: ['scrapers/**/*.ts'],
    ignores: ['scrapers/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '../../*', '**/src/**'], message: 'Scrapers import only from #sdk.' }] },
      ],
    },
  },
  {
    // Routes get what they need through the app's dependencies (AppDeps), never from the fetch layer.
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/fetch/*'], message: 'Pass what a route needs through AppDeps (src/http/env.ts).' }],
        },
      ],
    },
  },
)
