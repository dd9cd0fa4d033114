import {readFile} from 'node:fs/promises'

/**
 * The profiles the user's AWS credentials file defines (`[name]` → name, with its 1-based line). The AWS CLI and
 * SDKs merge it with the config file and its keys win, so a section there named like a terrace profile would
 * silently shadow it. Read as bytes (any encoding); a missing file defines nothing.
 */
export async function credentialsFileProfiles(file: string): Promise<Map<string, number>> {
  let text: string
  try {
    text = (await readFile(file)).toString('latin1')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw error
  }

  const found = new Map<string, number>()
  for (const [i, line] of text.split('\n').entries()) {
    const match = /^\s*\[\s*([^\]]*?)\s*\]/.exec(line)
    if (match && !found.has(match[1])) found.set(match[1], i + 1)
  }

  return found
}
