import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'src/generated/', '.data/', 'dist/', 'coverage/', 'scratch/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.name='parseFloat']", message: 'money is integer minor units: no parseFloat' },
        { selector: "CallExpression[callee.property.name='toFixed']", message: 'money is integer minor units: no toFixed' },
      ],
    },
  },
  {
    files: ['bench/**', 'scripts/**', 'test/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
