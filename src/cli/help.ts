import {type Command, Help} from '@oclif/core'

import {formatError} from '../lib/errors.js'
import {unknownCommandError} from './did-you-mean.js'

/**
 * oclif's help with two changes: a command shown under an alias (`terrace tf --help`, `terrace login --help`) lists
 * its other names as ALIASES, not the name just typed; and help for a command that does not exist
 * (`terrace lyer --help`) is a usage error with the closest command, like running it.
 */
export default class TerraceHelp extends Help {
  override formatCommand(command: Command.Loadable): string {
    return super.formatCommand({...command, aliases: this.otherNames(command)})
  }

  override async showHelp(argv: string[]): Promise<void> {
    const words = argv.filter((arg) => !arg.startsWith('-'))
    const known = words.some((_, n) => {
      const id = words.slice(0, n + 1).join(':')
      return this.config.findCommand(id) !== undefined || this.config.findTopic(id) !== undefined
    })
    if (words.length > 0 && !known) {
      const commands = this.config.commands.filter((c) => !c.hidden).map((c) => c.id)
      const topics = this.config.topics.filter((t) => !t.hidden).map((t) => t.name)
      process.stderr.write(`${formatError(unknownCommandError(words, commands, topics))}\n`)
      process.exitCode = 2
      return
    }

    await super.showHelp(argv)
  }

  /** The names of a command other than `command.id`, with spaces between words: the canonical id first. */
  private otherNames(command: Command.Loadable): string[] {
    const viaAlias = command.aliases.includes(command.id)
    const canonical = viaAlias
      ? this.config.commands.find((c) => !c.aliases.includes(c.id) && c.aliases.includes(command.id))?.id
      : undefined
    return [...(canonical ? [canonical] : []), ...command.aliases]
      .filter((name) => name !== command.id)
      .map((name) => name.replaceAll(':', this.config.topicSeparator))
  }
}
