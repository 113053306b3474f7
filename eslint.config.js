import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.cache/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Configuration is read in one place per workspace: its env.ts (or a script's entry point).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through env.ts and @seamline/config.' },
      ],
    },
  },
  {
    files: ['**/env.ts', '**/*.test.ts', 'infra/**', 'test/**', '**/scripts/**', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
