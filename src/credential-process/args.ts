import {UsageError} from '../lib/errors.js'

/** `credential-process --profile <name>` (or `--profile=<name>`); `--debug` is accepted and ignored here. Pure. */
export function parseCredentialProcessArgs(args: readonly string[]): {profile: string} {
  let profile: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--debug') continue
    if (arg === '--profile') {
      profile = args[++i]
      if (profile === undefined || profile.startsWith('--')) throw usage('--profile needs a profile name.')
    } else if (arg.startsWith('--profile=')) {
      profile = arg.slice('--profile='.length)
    } else {
      throw usage(`Unexpected argument: ${arg}`)
    }
  }

  if (!profile) throw usage('Missing --profile <name>.')
  return {profile}
}

const usage = (message: string) =>
  new UsageError(message, {
    suggestion: 'Usage: terrace credential-process --profile <name> (see `terrace credential-process --help`).',
  })
