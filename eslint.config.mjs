// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.cache/**', 'examples/**', 'bench/.workspaces/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core is shared by the extension, the CLI, the tests and the webviews:
    // it must not depend on the editor or on Node.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'src/core must stay free of the vscode API.' },
          { name: 'fs', message: 'src/core must not touch the file system; use the PlanFileSystem interface.' },
          { name: 'node:fs', message: 'src/core must not touch the file system; use the PlanFileSystem interface.' },
          { name: 'path', message: 'src/core works on POSIX-style paths by itself.' },
          { name: 'node:path', message: 'src/core works on POSIX-style paths by itself.' },
        ],
        patterns: [{ group: ['node:*', 'fs/*'], message: 'src/core must not depend on Node.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'bench/**', 'test/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Buffer', 'TextDecoder', 'TextEncoder', 'performance', '__dirname']
          .map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Functions passed to page.evaluate run in the workbench page, not in Node.
    files: ['test/harness/**/*.mjs', 'test/e2e/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', getComputedStyle: 'readonly' } },
  },
);
