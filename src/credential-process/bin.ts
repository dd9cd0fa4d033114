/**
 * `terrace credential-process …` straight from bin/run.js, which is CommonJS for this command's sake: node starts an
 * ES module entry about 9 ms slower than a CommonJS one, and this command (run by AWS tools, often many at once) has
 * a budget of about 20 ms over node itself. scripts/bundle.mjs builds this module into the CommonJS bundle
 * dist/credential-process/fast-path.cjs; every other command line goes on to the ES module entry (src/entry.ts).
 */
import {credentialProcessInvocation} from '../lib/credential-process-invocation.js'
import {credentialProcessMain} from './main.js'

/** Runs the command line when it is a credential-process call (setting the exit code); false when it is not. */
export function runCredentialProcessFromBin(argv: readonly string[]): boolean {
  const args = credentialProcessInvocation(argv)
  if (!args) return false
  // a cache miss creates AWS SDK clients, which warn on Node < 22 (as src/entry.ts says for every command)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  credentialProcessMain(args, {env: process.env}).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exitCode = 1
    },
  )
  return true
}
