/** TERRACE_HOME/config/chains.json: read it, and change it atomically under a lock. */
import {join} from 'node:path'

import {readTextIfExists, updateTextFile} from '../../lib/config-file.js'
import {ConfigError} from '../../lib/errors.js'
import {type ChainDefinition, parseChainsFile, renderChainsFile} from './chain-definition.js'

export const chainsPath = (configDir: string): string => join(configDir, 'chains.json')

export async function readChains(configDir: string): Promise<Record<string, ChainDefinition>> {
  const path = chainsPath(configDir)
  const text = await readTextIfExists(path)
  return text === undefined ? {} : parseChainsFile(text, path)
}

/** The chain named `name`; ConfigError (exit 4) naming `terrace chain list` when there is none. */
export async function readChain(configDir: string, name: string, from?: null | string): Promise<ChainDefinition> {
  const chains = await readChains(configDir)
  const found = Object.hasOwn(chains, name) ? chains[name] : undefined
  if (!found) {
    const known = Object.keys(chains)
    throw new ConfigError(`No role chain named "${name}"${from ? ` (named in ${from})` : ''}.`, {
      suggestion:
        known.length > 0
          ? `Chains: ${known.join(', ')} (terrace chain list). Add one with \`terrace chain add\`.`
          : 'Add one with `terrace chain add <name> --source … --role <arn>`.',
    })
  }

  return found
}

/** Applies `change` to the stored chains under a lock and writes them atomically (0600); returns what was written. */
export async function updateChains(
  configDir: string,
  change: (chains: Record<string, ChainDefinition>) => Record<string, ChainDefinition>,
): Promise<Record<string, ChainDefinition>> {
  const path = chainsPath(configDir)
  return updateTextFile(path, (text) => {
    const next = change(text === undefined ? {} : parseChainsFile(text, path))
    return {result: next, text: renderChainsFile(next)}
  })
}
