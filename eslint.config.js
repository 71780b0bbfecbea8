// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Modules that do I/O. node:crypto is not among them for planners: hashing is pure.
const ioModules = '^(node:(?!crypto$).*|fs|http|https|net|child_process|pino|yargs|undici)$';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      // Kubernetes objects arrive as plain JSON; client-node's model classes are only their shapes.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-misused-spread': [
        'error',
        {
          allow: [{ from: 'package', package: '@kubernetes/client-node', name: ['V1ObjectMeta'] }],
        },
      ],
    },
  },
  {
    // DESIGN.md: model/ is the shared vocabulary; it depends on nothing of ours.
    files: ['model/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: ioModules, message: 'the model does no I/O' },
            {
              group: ['**/engine/**', '**/planners/**', '**/providers/**', '**/emulator/**'],
              message: 'the model imports nothing of ours',
            },
          ],
        },
      ],
    },
  },
  {
    // DESIGN.md: planners are pure. No I/O, no clock, no randomness; only the model of ours.
    files: ['planners/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: ioModules, message: 'planners are pure: no I/O modules' },
            {
              group: ['**/engine/**', '**/providers/**', '**/emulator/**', '**/test/**'],
              message: 'planners depend on the model only',
            },
            {
              group: ['@kubernetes/client-node'],
              allowTypeImports: true,
              message: 'planners may use client-node for types only',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time comes in through the snapshot' },
        { object: 'Math', property: 'random', message: 'planners are deterministic' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'time comes in through the snapshot',
        },
      ],
    },
  },
  {
    // DESIGN.md: providers are adapters; they know the model, not the planners or the engine.
    files: ['providers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '**/planners/**', '**/emulator/**', '**/test/**'],
              message: 'providers depend on the model only',
            },
          ],
        },
      ],
    },
  },
  {
    // The emulator is a development tool: the model, the providers' types and the fixture format.
    files: ['emulator/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '**/planners/**', '**/test/**'],
              message: 'the emulator uses the model and the providers’ types only',
            },
            {
              // The fixture format (metal.json) is what the emulator is seeded from.
              regex: '(^|/)providers/(?!fixture/)',
              allowTypeImports: true,
              message: 'the emulator uses the providers’ types (and the fixture format) only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'emulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
