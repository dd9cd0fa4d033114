import {writeSync} from 'node:fs'

import {exitCodeOf, formatError} from '../lib/errors.js'
import {isDebug, terraceEnv} from '../lib/terrace-env.js'
import {probeKeychain} from '../vault/keychain-probe.js'
import {parseCredentialProcessArgs} from './args.js'
import {credentialProcess} from './service.js'

type Writer = {write(text: string): unknown}

/**
 * The entry point's fast path for `terrace credential-process …` (no oclif). Returns the exit code. Without
 * streams it writes to file descriptors 1 and 2 directly: creating process.stdout/stderr loads node's net and
 * stream modules, a measurable share of this command's budget (bench/overhead.js).
 */
export async function credentialProcessMain(
  args: readonly string[],
  io: {env: NodeJS.ProcessEnv; stderr?: Writer; stdout?: Writer},
): Promise<number> {
  const stdout = io.stdout ?? fdWriter(1, () => process.stdout)
  const stderr = io.stderr ?? fdWriter(2, () => process.stderr)
  try {
    const target = parseCredentialProcessArgs(args)
    // What openVault does for TERRACE_VAULT=keychain or unset, without loading the file vault and prompt modules.
    // Loading keytar and its first read take a while: the service starts it while it reads the profile registry,
    // unless it asks terrace's agent first. A keychain that does not answer gives undefined, and the service then
    // opens the vault through openVault, which reports what is wrong (or falls back to the file vault when
    // TERRACE_VAULT is unset).
    const store = async () =>
      terraceEnv(io.env).vault() === 'file'
        ? undefined
        : probeKeychain().then((probe) => ('store' in probe ? probe.store : undefined))
    const notice = (message: string) => stderr.write(`${message}\n`)
    const json = await credentialProcess({env: io.env, notice, ...target, store})
    stdout.write(`${json}\n`)
    return 0
  } catch (error) {
    stderr.write(`${formatError(error, isDebug(args, io.env))}\n`)
    return exitCodeOf(error)
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
