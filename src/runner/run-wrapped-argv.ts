import type {ParsedWrapperArgs, WrapKind} from './wrapper-options.js'

/**
 * A wrapped command with the real dependencies: what both the fast path (src/entry.ts, with the route's parse of
 * argv) and the oclif commands (with their raw argv) call. The service and its dependencies load on demand, so
 * routing stays light.
 */
export async function runWrappedArgv(kind: WrapKind, argv: ParsedWrapperArgs | readonly string[]): Promise<number> {
  const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
    import('./wrap-service.js'),
    import('./default-deps.js'),
  ])
  return runWrapped(kind, argv, defaultWrapDeps())
}
