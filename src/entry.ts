/**
 * The front door. `terrace tf …`, `terrace tofu …`, `terrace exec …` and `terrace aws …` (other than terrace's
 * own `aws sso login|logout|status|refresh` and `aws configure sso`) go straight to the runner without loading
 * oclif, which costs 90-170 ms to import: these commands run many times a day and the user waits for every one.
 * Everything else, and `--help`/`-h` among terrace's own options (`terrace tf --help`), goes to oclif. Both
 * paths call the same service (runner/wrap-service.ts). `terrace credential-process` (run by AWS tools, often many
 * at once) goes to src/credential-process/ the same way: no oclif, and no AWS SDK when the cache answers.
 */
import {exitCodeOf, formatError, isDebug} from './lib/errors.js'
import {routeArgv} from './runner/route.js'

export interface EntryOptions {
  development?: boolean
  /** import.meta.url of the bin script: where oclif finds package.json */
  dir: string
}

export async function main(argv: string[], options: EntryOptions): Promise<void> {
  // Every process that creates an AWS SDK client on Node < 22 would print a NodeVersionSupportWarning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const route = routeArgv(argv)
  if (route.to === 'oclif') {
    const {execute} = await import('@oclif/core')
    await execute({args: argv, development: options.development, dir: options.dir})
    return
  }

  if (route.to === 'credential-process') {
    const {credentialProcessMain} = await import('./credential-process/main.js')
    process.exitCode = await credentialProcessMain(route.args, {
      env: process.env,
      stderr: process.stderr,
      stdout: process.stdout,
    })
    return
  }

  try {
    const {runWrappedArgv} = await import('./runner/run-wrapped-argv.js')
    process.exitCode = await runWrappedArgv(route.kind, route.args)
  } catch (error) {
    process.stderr.write(`${formatError(error, isDebug(argv))}\n`)
    process.exitCode = exitCodeOf(error)
  }
}
