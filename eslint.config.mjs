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
    files: ['test/**/*.ts', 'bench/**/*.js', 'scripts/**/*.js'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      'n/no-unsupported-features/node-builtins': 'off',
      'no-unused-expressions': 'off',
      'unicorn/no-array-for-each': 'off',
    },
  },
]
