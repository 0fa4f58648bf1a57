import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const here = path.dirname(fileURLToPath(import.meta.url));

// The feature folders, read from disk so a new one is fenced in at once.
const features = readdirSync(path.join(here, 'src/features'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/**
 * Boundaries (see README, "Layout"): a feature imports only its own folder,
 * `src/lib` and `src/components`; features are put together in
 * `src/routes`. `lib` and `components` import no feature and no route.
 * Paths are resolved (relative and `@/` imports alike), so `../../payments`
 * is caught as surely as `@/features/payments`.
 */
const boundaries = [
  ...features.map((f) => ({
    target: `./src/features/${f}`,
    from: './src/features',
    except: [`./${f}`],
    message: `the ${f} feature imports no other feature: move what both need to src/lib or src/components, or compose them in src/routes`,
  })),
  {
    target: ['./src/lib', './src/components'],
    from: ['./src/features', './src/routes'],
    message: 'src/lib and src/components are shared by every feature: they import no feature and no route',
  },
  { target: './src/features', from: './src/routes', message: 'a feature imports no route page' },
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/lib/api-types.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { ecmaVersion: 2023, globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, 'react-refresh': reactRefresh, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.json'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.json'],
          conditionNames: ['types', 'import', 'module', 'default'],
          alias: { '@': [path.join(here, 'src')] },
        }),
      ],
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // An import the resolver cannot follow would slip past the two rules below.
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'src/test/**'],
    rules: { 'react-refresh/only-export-components': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['e2e/**/*.{js,mjs}', '*.config.{js,ts}'],
    extends: [js.configs.recommended],
    // Browser globals too: page.evaluate() callbacks run in the page.
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
  // TypeScript configs: typescript-eslint's no-unused-vars (above) knows type signatures.
  { files: ['*.config.ts'], rules: { 'no-unused-vars': 'off' } },
);
