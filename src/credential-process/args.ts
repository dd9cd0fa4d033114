import {UsageError} from '../lib/errors.js'

/** What credential-process serves: a terrace-managed profile, or a workspace session (its id or name). */
export type CredentialProcessTarget = {profile: string; session?: undefined} | {profile?: undefined; session: string}

/**
 * `credential-process --profile <name>` or `--session <id|name>` (also `--x=value`); `--debug` is accepted and
 * ignored here. Pure.
 */
export function parseCredentialProcessArgs(args: readonly string[]): CredentialProcessTarget {
  const values: {profile?: string; session?: string} = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--debug') continue
    const name = (['profile', 'session'] as const).find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`))
    if (!name) throw usage(`Unexpected argument: ${arg}`)
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i]
    if (value === undefined || value.startsWith('--')) throw usage(`--${name} needs a ${name} name.`)
    values[name] = value
  }

  if (values.profile && values.session) throw usage('--profile and --session cannot be combined.')
  if (values.session) return {session: values.session}
  if (!values.profile) throw usage('Missing --profile <name> (or --session <id|name>).')
  return {profile: values.profile}
}

const usage = (message: string) =>
  new UsageError(message, {
    suggestion:
      'Usage: terrace credential-process --profile <name> | --session <id|name> (see `terrace credential-process --help`).',
  })
