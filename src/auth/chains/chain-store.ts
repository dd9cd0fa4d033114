/** TERRACE_HOME/config/chains.json: read it, and change it atomically under a lock. */
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {ConfigError} from '../../lib/errors.js'
import {type ChainDefinition, parseChainsFile, renderChainsFile} from './chain-definition.js'

export const chainsPath = (configDir: string): string => join(configDir, 'chains.json')

export async function readChains(configDir: string): Promise<Record<string, ChainDefinition>> {
  const path = chainsPath(configDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }

  return parseChainsFile(text, path)
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
  await mkdir(dirname(path), {mode: 0o700, recursive: true})
  const {withLock} = await import('../../lib/lock.js')
  return withLock(`${path}.lock`, async () => {
    const next = change({...(await readChains(configDir))})
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, renderChainsFile(next), {mode: 0o600})
    await rename(temporary, path)
    return next
  })
}
