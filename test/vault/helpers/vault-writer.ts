// Child process for the file vault concurrency test: node --import tsx vault-writer.ts <vaultPath> <account> <secret>
import {FileStore} from '../../../src/vault/file-store.js'

const [path, account, secret] = process.argv.slice(2)
const store = new FileStore({passphrase: async () => process.env.TERRACE_VAULT_PASSPHRASE ?? '', path})
try {
  await store.set(account, secret)
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit((error as {exitCode?: number}).exitCode ?? 1)
}
