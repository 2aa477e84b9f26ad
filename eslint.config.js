import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The core model must run unchanged in Node and the browser: no UI framework, no DOM, no d3.
const coreForbiddenImports = {
  paths: [
    {
      name: 'sorted-btree',
      message:
        "Import { BTree } from src/core/ranges/btree.ts: the package's default export differs between Node's ESM loader and bundlers.",
    },
  ],
  patterns: [
    {
      group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
      message: 'src/core is pure: no React.',
    },
    { group: ['d3-*', 'd3'], message: 'src/core is pure: no d3.' },
    { group: ['zustand', 'zustand/*'], message: 'src/core is pure: no store.' },
    {
      group: ['**/ui/**', '**/store/**', '**/cli/**'],
      message: 'src/core may not depend on the UI, store or CLI.',
    },
    {
      group: ['node:*', 'fs', 'path', 'child_process'],
      message: 'src/core runs in the browser too: no Node modules.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { console: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', coreForbiddenImports],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/core is pure: no DOM.' },
        { name: 'document', message: 'src/core is pure: no DOM.' },
        { name: 'navigator', message: 'src/core is pure: no DOM.' },
        { name: 'localStorage', message: 'src/core is pure: no DOM.' },
        { name: 'indexedDB', message: 'src/core is pure: no DOM.' },
      ],
    },
  },
  {
    // The one place that imports sorted-btree directly, to smooth over its CommonJS default export.
    files: ['src/core/ranges/btree.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreForbiddenImports.patterns }] },
  },
);
