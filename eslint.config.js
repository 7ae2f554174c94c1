import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'stream',
  'http', 'https', 'net', 'util', 'events', 'buffer', 'zlib', 'module', 'process',
];
const ortOnlyThroughWrapper = {
  name: 'onnxruntime-node',
  allowTypeImports: true,
  message: "Import { ort } from model/src/infer/ort.ts: it turns ORT's usage telemetry off before any session.",
};
const nodeImportPatterns = [{ group: ['node:*', ...NODE_BUILTINS], message: 'The renderer must not import Node modules: go through src/lib/api.ts.' }];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'coverage/**', '.unshake-cache/**', 'test-results/**', 'model/base/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // Boundaries (DESIGN.md): the engine and the shared contract never import electron.
  {
    files: ['model/**/*.ts', 'electron/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'model/ and electron/common must stay Electron-free.' }, ortOnlyThroughWrapper] }],
    },
  },
  // ORT's telemetry is turned off in one module; everything else reaches ORT through it.
  {
    files: ['electron/main/**/*.ts', 'electron/workers/**/*.ts', 'electron/preload/**/*.ts', 'scripts/**/*.{ts,mjs}', 'build/**/*.mjs'],
    rules: { 'no-restricted-imports': ['error', { paths: [ortOnlyThroughWrapper] }] },
  },
  {
    files: ['model/src/infer/ort.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'model/ must stay Electron-free.' }] }] },
  },
  // electron/common is pure: no Node either, so the renderer can share it.
  {
    files: ['electron/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'electron/common must stay Electron-free.' }, ortOnlyThroughWrapper], patterns: nodeImportPatterns }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer reaches main only through src/lib/api.ts.' }],
        patterns: [...nodeImportPatterns, { group: ['**/model/**', '**/electron/main/**', '**/electron/preload/**', '**/electron/workers/**'], message: 'The renderer may import only electron/common and its own code.' }],
      }],
    },
  },
);
