// One lint config for the whole monorepo. Type-aware, so floating promises are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test-artifacts/**', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // ts-mls is wrapped by exactly one adapter folder (style guide, convention 1).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['ts-mls', 'ts-mls/*'],
              message: 'Only packages/crypto/src/mls may import ts-mls.',
            },
          ],
        },
      ],
    },
  },
  {
    // Vector and rogue-member tests reach into ts-mls to check the adapter against the library itself.
    files: ['packages/crypto/src/mls/**', 'packages/crypto/test/mls/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The wire contract speaks the shared vocabulary, never the governance engine (ARCHITECTURE.md).
    files: ['packages/protocol/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['ts-mls', 'ts-mls/*'],
              message: 'Only packages/crypto/src/mls may import ts-mls.',
            },
            {
              group: ['@conclave/policy', '@conclave/policy/*', '**/packages/policy/**'],
              message: 'The protocol takes its words from @conclave/vocabulary, not the engine.',
            },
          ],
        },
      ],
    },
  },
  {
    // The vocabulary is a leaf: every other package may use its words, so it uses none of theirs.
    files: ['packages/vocabulary/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@conclave/*', '**/packages/*/**', 'zod', 'ts-mls', 'ts-mls/*'],
              message: '@conclave/vocabulary imports nothing.',
            },
          ],
        },
      ],
    },
  },
  {
    // The server is an external sender and relay, never an MLS member: it may not reach the
    // member side of the crypto package (group state, Welcome processing, the exporter).
    files: ['apps/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['ts-mls', 'ts-mls/*'], message: 'The server never imports ts-mls.' },
            {
              group: ['@conclave/crypto/member', '@conclave/crypto/member/*'],
              message: 'The server may not reach the member side of the crypto package.',
            },
            {
              group: ['@conclave/client', '@conclave/client/*'],
              message: 'The server may not use the client SDK (it holds member crypto).',
            },
            {
              group: ['**/packages/crypto/**'],
              message: 'Use the package entry @conclave/crypto/server or /sframe.',
            },
          ],
        },
      ],
    },
  },
  {
    // The web app reaches the member side of the crypto package only through the SDK
    // (`@conclave/client`, and `@conclave/client/browser` for the SFrame worker).
    files: ['apps/web/**'],
    // Browser tests that play a second device outside the browser (re-keying a stored device
    // record) do member-side work on purpose; the same two are named in the import-graph test.
    ignores: [
      'apps/web/test/device-key.e2e.test.ts',
      'apps/web/test/room-identity.e2e.test.ts',
      'apps/web/test/room-verify.e2e.test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['ts-mls', 'ts-mls/*'],
              message: 'Only packages/crypto/src/mls may import ts-mls.',
            },
            {
              group: ['@conclave/crypto/member', '@conclave/crypto/member/*'],
              message:
                'The web app uses the member side through @conclave/client (/browser for SFrame).',
            },
            {
              group: ['**/packages/crypto/**'],
              message:
                'The web app uses the member side through @conclave/client (/browser for SFrame).',
            },
          ],
        },
      ],
    },
  },
);
