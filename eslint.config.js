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
      group: ['**/ui/**', '**/store/**', '**/cli/**', '**/view/**'],
      message: 'src/core may not depend on the view, store, UI or CLI.',
    },
    {
      group: ['node:*', 'fs', 'path', 'child_process'],
      message: 'src/core runs in the browser too: no Node modules.',
    },
  ],
};

// The layers above the core, each importing only those below it (the xyflow habit: a system
// layer under the React binding): view → core; store → core, view; cli → core, view; ui → all.
const noFramework = [
  { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'no React below src/ui.' },
  { group: ['d3-*', 'd3'], message: 'no d3 below src/ui.' },
];
const viewForbiddenImports = {
  patterns: [
    ...noFramework,
    { group: ['zustand', 'zustand/*'], message: 'src/view is pure: no store.' },
    { group: ['**/ui/**', '**/store/**', '**/cli/**'], message: 'src/view imports src/core only.' },
    {
      group: ['node:*', 'fs', 'path', 'child_process'],
      message: 'src/view runs in the browser: no Node modules.',
    },
  ],
};
const storeForbiddenImports = {
  patterns: [
    ...noFramework,
    { group: ['**/ui/**', '**/cli/**'], message: 'src/store imports src/core and src/view only.' },
  ],
};
const cliForbiddenImports = {
  patterns: [
    ...noFramework,
    { group: ['**/ui/**', '**/store/**'], message: 'src/cli imports src/core and src/view only.' },
  ],
};
const domGlobals = (layer) =>
  ['window', 'document', 'navigator', 'localStorage', 'indexedDB'].map((name) => ({
    name,
    message: `${layer} is pure: no DOM.`,
  }));

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
      'no-restricted-globals': ['error', ...domGlobals('src/core')],
    },
  },
  {
    files: ['src/view/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', viewForbiddenImports],
      'no-restricted-globals': ['error', ...domGlobals('src/view')],
    },
  },
  {
    files: ['src/store/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', storeForbiddenImports] },
  },
  {
    // Both uAPI models and the IOMMU layer under them build state one way: pure functions that
    // return a new frozen state (or a Refusal) and hand back their input untouched on failure.
    // A class here would be a mutable working copy, the second style this rule keeps out.
    files: ['src/core/vfio/**/*.ts', 'src/core/iommufd/**/*.ts', 'src/core/iommu/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ClassDeclaration, ClassExpression',
          message:
            'Build model state in pure functions that return a new frozen state or a Refusal (see src/core/iommufd/table.ts), not in a mutable class.',
        },
      ],
    },
  },
  {
    // Drawing code turns u64 addresses into pixels: a lossy step, taken only through the one named
    // helper (u64.ts toApproxNumber) so every place precision can go is visible.
    files: ['src/view/viewport/**/*.ts', 'src/view/map/**/*.ts', 'src/ui/map/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='Number']",
          message: 'Convert a bigint to a float with toApproxNumber (src/core/u64.ts).',
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', cliForbiddenImports] },
  },
  {
    // Commands print through the CliIo they are given, which makes echoed input inert
    // (src/cli/inert-output.ts); a direct write would let a file's escape codes reach the terminal.
    files: ['src/cli/commands/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['stdout', 'stderr'].map((property) => ({
          object: 'process',
          property,
          message: 'write through the CliIo the command is given.',
        })),
      ],
      'no-console': 'error',
    },
  },
  {
    // The one place that imports sorted-btree directly, to smooth over its CommonJS default export.
    files: ['src/core/ranges/btree.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreForbiddenImports.patterns }] },
  },
);
