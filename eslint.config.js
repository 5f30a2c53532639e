// ESLint flat config: type-aware rules everywhere, plus import boundaries that keep
// each top-level folder to its own runtime (STYLE.md, "What that means here" 1–3).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeOnly = ['node:*', 'fs', 'path', 'child_process', 'fastify', 'pg', '@electric-sql/pglite'];

/**
 * RxDB's private state and undocumented helpers, which the sync engine once reached into:
 * a release may change any of them unannounced (issue 18). The engine owns its replication
 * and goes through RxDB's public storage interface only.
 */
const rxdbPrivate = [
  'originalStorageInstance',
  'internalReplicationState',
  'metaInfoPromise',
  'downstreamBulkWriteFlag',
  'subjects',
].map((property) => ({ property, message: "RxDB's private state: use its public API." }));
/** What no data code of the renderer imports (the storage's rules add to them). */
const dataPatterns = [
  { group: nodeOnly, message: 'The renderer runs in a browser: no Node modules.' },
  {
    group: ['rxdb/plugins/replication'],
    message: "Cohort's engine replicates: RxDB's plugin is not used.",
  },
];

const rxdbPrivateImports = {
  name: 'rxdb',
  importNames: ['getMetaWriteRow', 'setCheckpoint', 'getAssumedMasterState', 'getLastCheckpointDoc'],
  message: "RxDB's replication internals: Cohort's engine keeps its own sync state.",
};

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
      'no-restricted-properties': ['error', ...rxdbPrivate],
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
    ignores: ['renderer/data/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [rxdbPrivateImports],
          patterns: dataPatterns,
        },
      ],
    },
  },
  {
    // Tests beside the data code may read fixtures from disk and start servers.
    files: ['renderer/data/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rxdbPrivateImports] }] },
  },
  {
    // The storage knows nothing of sync: the engine reaches it through its replica.
    files: ['renderer/data/engine/storage/**/*.ts'],
    ignores: ['renderer/data/engine/storage/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [rxdbPrivateImports],
          patterns: [
            ...dataPatterns,
            { group: ['**/sync/**'], message: 'The storage imports nothing of the sync client.' },
            {
              group: [
                '**/engine/replicate',
                '**/engine/conflicts',
                '**/engine/restore',
                '**/engine/readAhead',
                '../replicate',
                '../conflicts',
                '../restore',
                '../readAhead',
              ],
              message: 'The storage imports nothing of the engine around it (replicate, conflicts).',
            },
          ],
        },
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
