/**
 * An IAM user's access key pair as a command gets it: from the console's CSV (`--credentials-file`), else typed in
 * on the terminal (the secret without echo); neither (no file, no terminal) is a UsageError (exit 2) naming the flag.
 * Used by `terrace credentials configure` and `terrace session add iam-user`.
 */
import {readFile} from 'node:fs/promises'

import type {AccessKeyPair} from '../auth/iam/credentials-csv.js'

import {parseCredentialsCsv} from '../auth/iam/credentials-csv.js'
import {UsageError} from '../lib/errors.js'
import {promptLine, promptSecret} from '../lib/prompt.js'

export async function readAccessKeys(options: {
  csv: string | undefined
  env: NodeJS.ProcessEnv
  input?: NodeJS.ReadableStream & {isTTY?: boolean}
  output?: NodeJS.WritableStream
}): Promise<AccessKeyPair> {
  const {csv} = options
  if (csv) {
    let text: string
    try {
      text = await readFile(csv, 'utf8')
    } catch (error) {
      throw new UsageError(`Cannot read --credentials-file ${csv}: ${(error as Error).message}`)
    }

    return parseCredentialsCsv(text, csv)
  }

  const nonInteractiveError = () =>
    new UsageError(`No keys to store: this run is non-interactive and no --credentials-file was given.`, {
      suggestion: `Pass --credentials-file <the console's access key CSV>, or run it from a terminal to type the keys in.`,
    })
  const io = {env: options.env, input: options.input ?? process.stdin, output: options.output ?? process.stderr}
  const accessKeyId = (await promptLine('Access key ID: ', {...io, nonInteractiveError})).trim()
  const secretAccessKey = (await promptSecret('Secret access key (not shown): ', {...io, nonInteractiveError})).trim()
  if (!accessKeyId || !secretAccessKey) throw new UsageError('Both the access key ID and the secret are needed.')
  return {accessKeyId, secretAccessKey}
}
