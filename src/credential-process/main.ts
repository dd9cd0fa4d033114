import {exitCodeOf, formatError, isDebug} from '../lib/errors.js'
import {parseCredentialProcessArgs} from './args.js'
import {credentialProcess} from './service.js'

/** The entry point's fast path for `terrace credential-process …` (no oclif). Returns the exit code. */
export async function credentialProcessMain(
  args: readonly string[],
  io: {env: NodeJS.ProcessEnv; stderr: NodeJS.WritableStream; stdout: NodeJS.WritableStream},
): Promise<number> {
  try {
    const {profile} = parseCredentialProcessArgs(args)
    const json = await credentialProcess({env: io.env, notice: (message) => io.stderr.write(`${message}\n`), profile})
    io.stdout.write(`${json}\n`)
    return 0
  } catch (error) {
    io.stderr.write(`${formatError(error, isDebug(args, io.env))}\n`)
    return exitCodeOf(error)
  }
}
