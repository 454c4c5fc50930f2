// Lint rules: type-checked typescript-eslint, and the dependency direction of STYLE.md.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const layerRule = (patterns) => ['error', { patterns }]

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'ui/dist', 'data', 'logs', 'bench/out', 'bin'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/web/**'],
    rules: {
      'no-restricted-imports': [
        ...layerRule([
          {
            group: ['**/web/*', '**/web/**', '**/cli/*', '**/cli/**'],
            message: 'nothing imports web or cli',
          },
        ]),
      ],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        ...layerRule([
          {
            group: [
              '**/ingest/**',
              '**/incidents/**',
              '**/tickets/**',
              '**/alerts/**',
              '**/accounts/**',
              '**/web/**',
              '**/cli/**',
            ],
            message: 'db is the bottom layer: it imports no domain module',
          },
        ]),
      ],
    },
  },
  {
    files: ['src/incidents/**/*.ts', 'src/tickets/**/*.ts', 'src/accounts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        ...layerRule([
          {
            group: ['**/ingest/**', '**/alerts/**', '**/web/**', '**/cli/**'],
            message: 'incidents, tickets and accounts sit below ingest, alerts, web and cli',
          },
        ]),
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
)
