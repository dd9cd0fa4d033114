import type {Context} from 'mocha'

/** True when the run is a CI run: CI set to anything but "", "0" or "false". */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase()
  return value !== undefined && value !== '' && value !== '0' && value !== 'false'
}

/**
 * The one guard for a test (or a suite's before hook) that needs something the machine may lack (/usr/bin/aws,
 * a D-Bus session, a built dist/): nothing happens when `available`; otherwise the test is skipped with `reason`
 * on a developer's machine, and fails under CI, where every prerequisite must be there.
 */
export function requireOrSkip(context: Context, available: boolean, reason: string): void {
  if (available) return
  if (underCi()) throw new Error(`cannot run under CI: ${reason}`)
  console.warn(`      skipping: ${reason}`)
  // eslint-disable-next-line mocha/no-skipped-tests -- the one place a missing prerequisite skips (never under CI)
  context.skip()
}
