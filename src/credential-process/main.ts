import {writeSync} from 'node:fs'

import type {SecretStore} from '../vault/secret-store.js'

import {exitCodeOf, formatError, isDebug} from '../lib/errors.js'
import {KEYCHAIN_SERVICE, KeychainStore, loadKeytar} from '../vault/keychain-store.js'
import {directReadsEnabled, openSecretServiceStore} from '../vault/secret-service-store.js'
import {parseCredentialProcessArgs} from './args.js'
import {credentialProcess} from './service.js'

/** As long as openVault's keychain probe may take (vault/select.ts DEFAULT_PROBE_TIMEOUT_MS). */
const PROBE_TIMEOUT_MS = 1500

type Writer = {write(text: string): unknown}

/**
 * The entry point's fast path for `terrace credential-process …` (no oclif). Returns the exit code. Without
 * streams it writes to file descriptors 1 and 2 directly: creating process.stdout/stderr loads node's net and
 * stream modules (~5 ms), a tenth of this command's budget.
 */
export async function credentialProcessMain(
  args: readonly string[],
  io: {env: NodeJS.ProcessEnv; stderr?: Writer; stdout?: Writer},
): Promise<number> {
  const stdout = io.stdout ?? fdWriter(1, () => process.stdout)
  const stderr = io.stderr ?? fdWriter(2, () => process.stderr)
  try {
    const {profile} = parseCredentialProcessArgs(args)
    // Connecting to the Secret Service takes a few ms (directly over D-Bus) to 30-55 ms (keytar): the service reads
    // the profile registry meanwhile.
    const keychain = io.env.TERRACE_VAULT?.trim().toLowerCase() === 'file' ? undefined : await connectKeychain(io.env)
    const store = keychain?.store
    const notice = (message: string) => stderr.write(`${message}\n`)
    const json = await credentialProcess({env: io.env, notice, profile, store})
    stdout.write(`${json}\n`)
    return 0
  } catch (error) {
    stderr.write(`${formatError(error, isDebug(args, io.env))}\n`)
    return exitCodeOf(error)
  }
}

/**
 * What openVault does for TERRACE_VAULT=keychain or unset, without loading the file vault and prompt modules: a
 * Secret Service session over D-Bus (Linux), else keytar and one real read, within the probe timeout. Resolves
 * once the connection is under way, with the store to come; that is undefined when the keychain does not answer,
 * and the service then opens the vault through openVault, which reports what is wrong (or falls back to the file
 * vault when unset).
 */
async function connectKeychain(env: NodeJS.ProcessEnv): Promise<undefined | {store: Promise<SecretStore | undefined>}> {
  if (directReadsEnabled(env)) {
    const direct = openSecretServiceStore(env, {timeoutMs: PROBE_TIMEOUT_MS})
    const store = direct.then(async (found) => found ?? (await connectKeytar())?.store)
    return {store}
  }

  return connectKeytar()
}

async function connectKeytar(): Promise<undefined | {store: Promise<SecretStore | undefined>}> {
  try {
    const keytar = await loadKeytar()
    let timer: NodeJS.Timeout | undefined
    const answered = keytar.getPassword(KEYCHAIN_SERVICE, 'terrace-probe').then(
      () => true,
      () => false,
    )
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS) // cleared below; not unref'd: it may be all that is left
    })
    const store = Promise.race([answered, timeout])
      .finally(() => clearTimeout(timer))
      .then((ok) => (ok ? new KeychainStore(keytar) : undefined))
    return {store}
  } catch {
    return undefined
  }
}

/** Synchronous writes to a descriptor; the stream when the descriptor would block (a non-blocking pipe). */
function fdWriter(fd: number, stream: () => Writer): Writer {
  return {
    write(text: string) {
      const data = Buffer.from(text)
      let written = 0
      try {
        while (written < data.length) written += writeSync(fd, data, written)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
        stream().write(data.subarray(written).toString())
      }
    },
  }
}
