// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/', 'bench/.cache/', 'test/fixtures/media/', 'media/demo/', 'scripts/tmp/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly',
        __filename: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        structuredClone: 'readonly', performance: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'multi-line'],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The core layers run in plain Node: VS Code's API is for src/vscode and the entry only.
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/**', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Core layers are plain Node; VS Code glue lives in src/vscode.' }] }],
    },
  },
  {
    // Browser scripts (the webview, and the preview page's stand-in for VS Code's API).
    files: ['webview/**/*.ts', 'test/ui/preview/**/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', MessageEvent: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly' },
    },
  },
  {
    // Browser code talks to the host through the protocol only.
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode'], patterns: ['node:*', 'fs', 'path', 'child_process'] }],
    },
  },
);
