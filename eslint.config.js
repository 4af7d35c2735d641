// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // Commands use the run's Io (src/cli/io.ts), so tests can run them in-process: main(argv, io).
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/io.ts'],
    rules: {
      'no-restricted-properties': ['error', ...['stdin', 'stdout', 'stderr', 'env', 'exitCode'].map((property) => ({
        object: 'process', property, message: `use io().${property} (src/cli/io.ts): a command runs with the Io main() was given`,
      }))],
    },
  },
);
