import oclif from 'eslint-config-oclif'
import prettier from 'eslint-config-prettier'

export default [
  {ignores: ['dist/**', 'node_modules/**', 'templates/**', 'test/fixtures/**', 'oclif.manifest.json']},
  ...oclif,
  prettier,
  {
    rules: {
      // terrace is a CLI: writing to stdout/stderr and exiting with a code are its job.
      'n/no-process-exit': 'off',
      'no-await-in-loop': 'off',
      'unicorn/no-process-exit': 'off',
      'unicorn/prefer-top-level-await': 'off',
    },
  },
  {
    // CommonJS on purpose (bin/package.json): the fast start of `terrace credential-process` (bin/run.js says why)
    files: ['bin/run.js'],
    languageOptions: {
      globals: {__dirname: 'readonly', process: 'readonly', require: 'readonly'},
      sourceType: 'commonjs',
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      'n/no-unpublished-import': 'off',
      'n/no-unpublished-require': 'off',
      'no-implicit-globals': 'off',
      'unicorn/prefer-module': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.js', 'scripts/**/*.js'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      'n/no-unsupported-features/node-builtins': 'off',
      'no-unused-expressions': 'off',
      'unicorn/no-array-for-each': 'off',
    },
  },
]
