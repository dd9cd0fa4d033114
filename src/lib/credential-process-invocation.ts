/**
 * Is this command line a `terrace credential-process …` call for the fast path? Its arguments, or undefined for
 * another command or for `--help`/`-h` (which oclif answers). Pure and import-free: the entry point asks before it
 * loads anything else, and the router (runner/route.ts) asks the same.
 */
export function credentialProcessInvocation(argv: readonly string[]): string[] | undefined {
  const [name, ...args] = argv
  if (name !== 'credential-process' || args.some((a) => a === '--help' || a === '-h')) return undefined
  return args
}
