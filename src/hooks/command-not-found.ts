import type {Hook} from '@oclif/core'

import {unknownCommandError} from '../cli/did-you-mean.js'
import {ExitCode, formatError} from '../lib/errors.js'

/**
 * A command line that names no command: exit 2 (a usage error) with the closest command, on a terminal or not.
 * It replaces @oclif/plugin-not-found, which exits 127 (terrace's "binary not found") and suggests only on a
 * terminal, through a prompt.
 */
const hook: Hook.CommandNotFound = async function ({argv, config, id}) {
  const commands = config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const topics = config.topics.filter((t) => !t.hidden).map((t) => t.name)
  const error = unknownCommandError([...id.split(':'), ...(argv ?? [])], commands, topics)
  process.stderr.write(`${formatError(error)}\n`)
  this.exit(ExitCode.Usage)
}

export default hook
