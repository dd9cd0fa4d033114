/**
 * What terrace says when a run has no default role (aws/exec at the project root, in an account folder without a
 * role, in a folder of no account): which `--profile` names would work, or run it inside a layer. Shared by the
 * check before the child starts (factory.ts) and the loopback endpoint's 404 (broker.ts).
 */

/** How many profile names a message lists before "and N more". */
const LISTED = 8

/** `<one of a, b, c>` (at most LISTED names), or a hint when the run knows no profile at all. */
export function profileChoice(names: readonly string[]): string {
  if (names.length === 0) return '<NAME> (this project names no profile terrace can serve here)'
  const shown = names.slice(0, LISTED).join(', ')
  const more = names.length > LISTED ? `, and ${names.length - LISTED} more` : ''
  return `<one of ${shown}${more}>`
}

/** The fix, one line: pass --profile, or run inside a layer. */
export function noDefaultRoleFix(names: readonly string[]): string {
  return `pass --profile ${profileChoice(names)} to terrace (terrace aws --profile NAME …, terrace exec --profile NAME -- …), or run the command inside a layer`
}

/** True when the tool's own arguments name a profile (`aws s3 ls --profile x`): it needs no default role then. */
export const namesProfile = (args: readonly string[]): boolean =>
  args.some((arg) => arg === '--profile' || arg.startsWith('--profile='))
