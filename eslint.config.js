// ESLint flat config: type-aware rules everywhere, plus import boundaries that keep
// each top-level folder to its own runtime (STYLE.md, "What that means here" 1–3).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeOnly = ['node:*', 'fs', 'path', 'child_process', 'fastify', 'pg', '@electric-sql/pglite'];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.tools',
      'dist',
      'dist-electron',
      'release',
      'data/**',
      'test-results',
      'playwright-report',
      'reports',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeOnly, message: 'The renderer runs in a browser: no Node modules.' },
            { group: ['**/sync/server/**', '**/electron/main/**'], message: 'Other runtime.' },
            { group: ['zustand', 'zustand/*'], message: 'Import state through renderer/stores.' },
            {
              group: ['rxdb', 'rxdb/*'],
              message: 'RxDB lives behind renderer/data: use its hooks.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/stores/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/data/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: nodeOnly, message: 'The renderer runs in a browser: no Node modules.' }] },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeOnly, 'rxdb', 'rxdb/*', 'react', 'electron'],
              message: 'domain/ is pure: no I/O.',
            },
            {
              group: ['**/renderer/**', '**/sync/**', '**/electron/**'],
              message: 'domain/ depends on nothing.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sync/client/**/*.ts', 'sync/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeOnly, message: 'The sync client runs in the renderer: no Node modules.' },
            { group: ['**/sync/server/**', '**/renderer/**'], message: 'Other runtime.' },
          ],
        },
      ],
    },
  },
  {
    files: ['sync/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**', '**/electron/**', 'rxdb', 'react'], message: 'Server code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['sync/server/**/*.test.ts', 'sync/client/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
