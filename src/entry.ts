/**
 * The front door. `terrace tf …`, `terrace tofu …`, `terrace exec …` and `terrace aws …` (other than terrace's
 * own `aws sso login|logout|status|refresh` and `aws configure sso`) go straight to the runner without loading
 * oclif, which is slow to import: these commands run many times a day and the user waits for every one.
 * Everything else, and `--help`/`-h` among terrace's own options (`terrace tf --help`), goes to oclif. Both
 * paths call the same service (runner/wrap-service.ts). `terrace credential-process` (run by AWS tools, often many
 * at once) goes to src/credential-process/ the same way: no oclif, and no AWS SDK when the cache answers.
 */
import {credentialProcessInvocation} from './lib/credential-process-invocation.js'

export interface EntryOptions {
  development?: boolean
  /** import.meta.url of the bin script: where oclif finds package.json */
  dir: string
}

export async function main(argv: string[], options: EntryOptions): Promise<void> {
  // Every process that creates an AWS SDK client on Node < 22 would print a NodeVersionSupportWarning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  // `terrace --debug <command> …`: the global option typed before the command counts like TERRACE_DEBUG=1
  if (argv[0] === '--debug') {
    argv = argv.slice(1)
    const {enableDebug} = await import('./lib/terrace-env.js')
    enableDebug()
  }

  // credential-process first, before even the router is loaded: it is the most latency-sensitive command
  const credentialProcessArgs = credentialProcessInvocation(argv)
  if (credentialProcessArgs) {
    await runCredentialProcess(credentialProcessArgs)
    return
  }

  // `session list` in its common forms: without oclif (workspace/list-fast-path.ts), the rest goes to oclif
  if (argv[0] === 'session' && argv[1] === 'list') {
    const {runSessionList, sessionListArgs} = await import('./workspace/list-fast-path.js')
    const listArgs = sessionListArgs(argv)
    if (listArgs) {
      process.exitCode = await runSessionList(listArgs, {
        env: process.env,
        stderr: (text) => process.stderr.write(text),
        stdout: (text) => process.stdout.write(text),
      })
      return
    }
  }

  const [{routeArgv}, {exitCodeOf, formatError}, {isDebug}] = await Promise.all([
    import('./runner/route.js'),
    import('./lib/errors.js'),
    import('./lib/terrace-env.js'),
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
    const {runWrappedArgv} = await loadBuilt<RunnerModule>(
      './runner/fast-path.js',
      () => import('./runner/run-wrapped-argv.js'),
    )
    process.exitCode = await runWrappedArgv(route.kind, route.parsed ?? route.args)
  } catch (error) {
    process.stderr.write(`${formatError(error, isDebug(argv))}\n`)
    process.exitCode = exitCodeOf(error)
  }
}

async function runCredentialProcess(args: string[]): Promise<void> {
  const {credentialProcessMain} = await loadBuilt<CredentialProcessModule>(
    './credential-process/fast-path.js',
    () => import('./credential-process/main.js'),
  )
  // no streams passed: it writes to fds 1 and 2 itself (creating process.stdout costs a few ms)
  process.exitCode = await credentialProcessMain(args, {env: process.env})
}

type CredentialProcessModule = typeof import('./credential-process/main.js')
type RunnerModule = typeof import('./runner/run-wrapped-argv.js')

/**
 * A hot path as one pre-built file (scripts/bundle.mjs, part of `npm run build`); its modules themselves when the
 * bundle is not there (running from src/ under tsx).
 */
async function loadBuilt<T>(bundle: string, modules: () => Promise<T>): Promise<T> {
  try {
    return (await import(bundle)) as T // a variable specifier: tsc must not look for the bundle in src/
  } catch (error) {
    const missing =
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes(bundle.slice(2))
    if (!missing) throw error
    return modules()
  }
}
