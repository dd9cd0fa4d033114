import {Command} from '@oclif/core'

import {exitCodeOf, formatError, isDebug, TerraceError} from '../lib/errors.js'

/**
 * Base of terrace's own commands: expected failures (TerraceError) print their message and fix, without a
 * stack trace unless --debug / TERRACE_DEBUG, and exit with their code. Everything else keeps oclif's handling.
 */
export abstract class TerraceCommand extends Command {
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (!(error instanceof TerraceError)) return super.catch(error)
    if (this.jsonEnabled()) {
      this.logJson({error: {code: error.exitCode, message: error.message, suggestion: error.suggestion ?? null}})
    } else {
      process.stderr.write(`${formatError(error, isDebug(this.argv))}\n`)
    }

    return this.exit(exitCodeOf(error))
  }
}
