import type {WrapKind} from './wrapper-options.js'

/**
 * A wrapped command from its raw argv with the real dependencies: what both the fast path (src/entry.ts) and the
 * oclif commands call. The service and its dependencies load on demand, so routing stays light.
 */
export async function runWrappedArgv(kind: WrapKind, argv: readonly string[]): Promise<number> {
  const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
    import('./wrap-service.js'),
    import('./default-deps.js'),
  ])
  return runWrapped(kind, argv, defaultWrapDeps())
}
