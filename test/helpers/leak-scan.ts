/**
 * Security is tested, not assumed: given every secret the sandbox issued, find any of them in files, logs or
 * captured output. A finding names where the secret was and what kind it was, never the secret itself.
 */
import {lstatSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

export interface Finding {
  kind: string
  where: string
}

export interface KnownSecret {
  kind: string
  value: string
}

function* filesUnder(dir: string): Generator<string> {
  let entries
  try {
    entries = readdirSync(dir, {withFileTypes: true})
  } catch {
    return
  }

  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* filesUnder(path)
    else if (entry.isFile() || (entry.isSymbolicLink() && lstatSync(path).isFile())) yield path
  }
}

/** Every file under `dirs` and every named text in `texts` is searched for every secret. */
export function scanForSecrets(options: {dirs: string[]; secrets: KnownSecret[]; texts?: Record<string, string>}): {
  filesScanned: number
  findings: Finding[]
} {
  const findings: Finding[] = []
  const secrets = options.secrets.filter((s) => s.value.length >= 8)
  let filesScanned = 0
  for (const dir of options.dirs) {
    for (const file of filesUnder(dir)) {
      filesScanned++
      const bytes = readFileSync(file)
      for (const secret of secrets) if (bytes.includes(secret.value)) findings.push({kind: secret.kind, where: file})
    }
  }

  for (const [where, text] of Object.entries(options.texts ?? {})) {
    for (const secret of secrets) if (text.includes(secret.value)) findings.push({kind: secret.kind, where})
  }

  return {filesScanned, findings}
}
