import {readdirSync} from 'node:fs'
import {join} from 'node:path'

/** `*.tfvars` files of one config folder, sorted, absolute; backend.tfvars is left out (it goes to -backend-config). */
async function tfvarsIn(configDir: string): Promise<string[]> {
  try {
    const entries = readdirSync(configDir, {withFileTypes: true})
    return entries
      .filter((entry) => !entry.isDirectory() && entry.name.endsWith('.tfvars') && entry.name !== 'backend.tfvars')
      .map((entry) => join(configDir, entry.name))
      .sort()
  } catch {
    return []
  }
}

/** Var files in the order terraform gets them: <root>/config/*.tfvars, then <account>/config/*.tfvars. */
export async function varFilesFor(root: string, accountDir: null | string): Promise<string[]> {
  const files = await tfvarsIn(join(root, 'config'))
  if (accountDir) files.push(...(await tfvarsIn(join(accountDir, 'config'))))
  return files
}
