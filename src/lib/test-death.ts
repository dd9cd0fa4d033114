import {terraceEnv} from './terrace-env.js'

/**
 * Crash points for tests: when TERRACE_TEST_DIE_AT names `point`, the process kills itself with SIGKILL there, as
 * `kill -9` would (no cleanup, no finally). Lets a test prove the files stay consistent whatever the moment of
 * death. Unset in normal use: a no-op.
 */
export function dieHereInTests(point: string, env: NodeJS.ProcessEnv = process.env): void {
  if (terraceEnv(env).testDieAt === point) process.kill(process.pid, 'SIGKILL')
}
