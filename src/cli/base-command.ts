import {Command, Flags} from '@oclif/core'

import {exitCodeOf, fileSystemError, formatError} from '../lib/errors.js'
import {isDebug} from '../lib/terrace-env.js'
import {type Invocation, processInvocation} from './invocation.js'

/**
 * Base of terrace's own commands: failures print their message and fix, without a stack trace unless --debug /
 * TERRACE_DEBUG, and exit with their code (an unexpected error: 1). oclif's own errors (a bad flag, `this.exit`)
 * keep oclif's handling. Every command accepts --debug. A command reads its folder, environment, settings and
 * project from this.invocation(), built once per process (cli/invocation.ts).
 */
export abstract class TerraceCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({
      description: "show stack traces for terrace's own failures (also TERRACE_DEBUG=1)",
      helpGroup: 'GLOBAL',
    }),
  }

  protected override async catch(error: Error & {code?: string; exitCode?: number; oclif?: unknown}): Promise<unknown> {
    if (error.oclif !== undefined) {
      // this.exit() (EEXIT) and oclif's usage errors without --json: oclif's handling. With --json, a usage error
      // (missing argument, bad flag) is the same {error} object as any failure, not oclif's dump of its config.
      if (error.code === 'EEXIT' || !this.jsonEnabled()) return super.catch(error)
      const code = exitCodeOf(error)
      const message = error.message.replace(/\n?See more help with --help$/, '')
      const suggestion = `terrace ${this.id?.replaceAll(':', ' ') ?? ''} --help lists its options and arguments.`
      this.logJson({error: {code, message, suggestion}})
      return this.exit(code)
    }

    error = fileSystemError(error) ?? error
    const code = exitCodeOf(error)
    if (this.jsonEnabled()) {
      const suggestion = (error as {suggestion?: string}).suggestion ?? null
      this.logJson({error: {code, message: error.message, suggestion}})
    } else {
      process.stderr.write(`${formatError(error, isDebug(this.argv))}\n`)
    }

    return this.exit(code)
  }

  /** This run's folder, environment, settings and project (loaded once, on first need). */
  protected invocation(): Invocation {
    return processInvocation()
  }
}
