/**
 * The front door. `terrace tf …`, `terrace tofu …`, `terrace exec …` and `terrace aws …` (other than terrace's
 * own `aws sso login|logout|status|refresh` and `aws configure sso`) go straight to the runner without loading
 * oclif, which costs 90-170 ms to import: these commands run many times a day and the user waits for every one.
 * Everything else, and `--help`/`-h` among terrace's own options (`terrace tf --help`), goes to oclif. Both
 * paths call the same service (runner/wrap-service.ts). `terrace credential-process` (run by AWS tools, often many
 * at once) goes to src/credential-process/ the same way: no oclif, and no AWS SDK when the cache answers.
 */
import {credentialProcessInvocation} from './credential-process/invocation.js'

export interface EntryOptions {
  development?: boolean
  /** import.meta.url of the bin script: where oclif finds package.json */
  dir: string
}

export async function main(argv: string[], options: EntryOptions): Promise<void> {
  // Every process that creates an AWS SDK client on Node < 22 would print a NodeVersionSupportWarning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  // credential-process first, before even the router is loaded: every module costs it ~1 ms of a ~25 ms budget
  const credentialProcessArgs = credentialProcessInvocation(argv)
  if (credentialProcessArgs) {
    await runCredentialProcess(credentialProcessArgs)
    return
  }

  const [{routeArgv}, {exitCodeOf, formatError, isDebug}] = await Promise.all([
    import('./runner/route.js'),
    import('./lib/errors.js'),
  ])
  const route = routeArgv(argv)
  if (route.to === 'oclif') {
    const {execute} = await import('@oclif/core')
    await execute({args: argv, development: options.development, dir: options.dir})
    return
  }

  if (route.to === 'credential-process') {
    await runCredentialProcess(route.args)
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

async function runCredentialProcess(args: string[]): Promise<void> {
  const {credentialProcessMain} = await loadCredentialProcess()
  // no streams passed: it writes to fds 1 and 2 itself (creating process.stdout costs a few ms)
  process.exitCode = await credentialProcessMain(args, {env: process.env})
}

type CredentialProcessModule = typeof import('./credential-process/main.js')

/**
 * The credential-process fast path as one pre-built file (scripts/bundle.mjs, part of `npm run build`); the
 * modules themselves when it is not there (running from src/ under tsx).
 */
async function loadCredentialProcess(): Promise<CredentialProcessModule> {
  const bundle = './credential-process/fast-path.js' // a variable: tsc must not look for it in src/
  try {
    return (await import(bundle)) as CredentialProcessModule
  } catch (error) {
    const notThere =
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes('fast-path.js')
    if (!notThere) throw error
    return import('./credential-process/main.js')
  }
}
