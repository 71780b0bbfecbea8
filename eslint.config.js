// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Modules that do I/O. node:crypto is not among them for planners: hashing is pure.
const ioModules = '^(node:(?!crypto$).*|fs|http|https|net|child_process|axios|pino|yargs|undici)$';

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
    // DESIGN.md: planners are pure. No I/O, no clock, no randomness; other rooms only as types.
    files: ['planners/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: ioModules, message: 'planners are pure: no I/O modules' },
            { group: ['**/engine/**'], message: 'planners must not depend on the engine' },
            {
              group: ['**/providers/**', '@kubernetes/client-node'],
              allowTypeImports: true,
              message: 'planners may use providers and client-node for types only',
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
    // DESIGN.md: providers are adapters; they know nothing of the engine and only the planners' types.
    files: ['providers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/engine/**'], message: 'providers must not depend on the engine' },
            {
              // planners/domain is the shared vocabulary (types and pure value helpers);
              // the planners themselves are not for providers.
              regex: '(^|/)planners/(?!domain/)',
              allowTypeImports: true,
              message: 'providers may use planners/domain, and the planners’ types only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
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
