import {createInterface} from 'node:readline'

import {InterruptedError, TerraceError} from './errors.js'
import {isSet, terraceEnv} from './terrace-env.js'

/** The input side of a prompt: process.stdin, or anything shaped like it (a tty.ReadStream in tests). */
export type PromptInput = NodeJS.ReadableStream & {isTTY?: boolean; setRawMode?: (mode: boolean) => unknown}

export type PromptOptions = {
  /** When given, the prompt refuses to run unless isInteractive(env, input). */
  env?: NodeJS.ProcessEnv
  input: PromptInput
  /** The error thrown when no prompt is possible; callers choose its message and exit code. */
  nonInteractiveError?: () => Error
  output: NodeJS.WritableStream
}

/** False when stdin is not a terminal, CI is set, or TERRACE_NO_INPUT (--no-input) is set. */
export function isInteractive(env: NodeJS.ProcessEnv, stdin: {isTTY?: boolean}): boolean {
  if (!stdin.isTTY) return false
  if (isSet(env.CI)) return false
  if (terraceEnv(env).noInput) return false
  return true
}

function refuse(options: PromptOptions): never {
  throw (
    options.nonInteractiveError?.() ??
    new TerraceError('terrace needs an answer, but this run is non-interactive', {
      suggestion: 'Run it from a terminal, or provide the value through its environment variable or flag.',
    })
  )
}

const interrupted = () => new InterruptedError('Interrupted')

/**
 * Read a secret from a terminal without echoing it: raw mode, Enter ends, Backspace erases, Ctrl-U clears,
 * Ctrl-C throws InterruptedError (exit 130). Escape sequences (arrow keys…) are ignored.
 */
export async function promptSecret(question: string, options: PromptOptions): Promise<string> {
  const {input, output} = options
  if (options.env && !isInteractive(options.env, input)) refuse(options)
  if (!input.isTTY || typeof input.setRawMode !== 'function') refuse(options)
  const setRawMode = input.setRawMode.bind(input)

  // Raw mode first: keys typed as soon as the question shows must already be read raw (Ctrl-C included).
  setRawMode(true)
  output.write(question)
  input.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      const reader = secretReader()
      const onData = (chunk: Buffer | string) => {
        const outcome = reader(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
        if (outcome === 'pending') return
        cleanup()
        if (outcome === 'interrupt') reject(interrupted())
        else resolve(outcome.value)
      }

      const onEnd = () => {
        cleanup()
        reject(interrupted())
      }

      const cleanup = () => {
        input.off('data', onData)
        input.off('end', onEnd)
      }

      input.on('data', onData)
      input.on('end', onEnd)
    })
  } finally {
    setRawMode(false)
    input.pause()
    output.write('\n')
  }
}

type ReaderOutcome = 'interrupt' | 'pending' | {value: string}

/** The key handling of promptSecret, as a pure state machine fed with chunks of raw terminal input. */
export function secretReader(): (chunk: string) => ReaderOutcome {
  let chars: string[] = []
  let inEscape = false
  return (chunk) => {
    for (const ch of chunk) {
      if (inEscape) {
        // CSI sequences end with a letter or ~; a lone ESC followed by anything else ends after one char
        if (/[A-Za-z~]/.test(ch)) inEscape = false
        continue
      }

      switch (ch) {
        case '\n':
        case '\r':
        case '\u0004': {
          return {value: chars.join('')}
        }

        case '\u0003': {
          return 'interrupt'
        }

        case '\u0008':
        case '\u007F': {
          chars.pop()
          break
        }

        case '\u0015': {
          chars = []
          break
        }

        case '\u001B': {
          inEscape = true
          break
        }

        default: {
          if (ch >= ' ') chars.push(ch)
        }
      }
    }

    return 'pending'
  }
}

/** Read one line of ordinary (echoed) input. Ctrl-C or end of input throws InterruptedError. */
export async function promptLine(question: string, options: PromptOptions): Promise<string> {
  const {input, output} = options
  if (options.env && !isInteractive(options.env, input)) refuse(options)
  const rl = createInterface({input, output, terminal: Boolean(input.isTTY)})
  try {
    return await new Promise<string>((resolve, reject) => {
      let answered = false
      rl.on('SIGINT', () => {
        output.write('\n')
        reject(interrupted())
      })
      rl.on('close', () => {
        if (!answered) reject(interrupted())
      })
      rl.question(question, (answer) => {
        answered = true
        resolve(answer)
      })
    })
  } finally {
    rl.close()
  }
}

/** A value a command needs, asked for under its label when its flag was not given. */
export interface MissingValue<K extends string> {
  flag: string
  key: K
  label: string
}

/**
 * On a terminal: asks for each missing value in order (`<label> (<flag>): `), an empty answer leaving it missing (the
 * caller then exits 2 naming every missing flag). Not on a terminal (or CI, or TERRACE_NO_INPUT): values as given.
 */
export async function askForMissing<K extends string, V extends Partial<Record<K, string | undefined>>>(
  missing: ReadonlyArray<MissingValue<K>>,
  values: V,
  io: {env: NodeJS.ProcessEnv; input?: PromptInput; output?: NodeJS.WritableStream},
): Promise<V> {
  const stdin = io.input ?? process.stdin
  if (missing.length === 0 || !isInteractive(io.env, stdin)) return values
  const filled: V = {...values}
  for (const {flag, key, label} of missing) {
    const output = io.output ?? process.stderr
    const answer = (await promptLine(`${label} (${flag}): `, {env: io.env, input: stdin, output})).trim()
    filled[key] = (answer === '' ? undefined : answer) as V[K]
  }

  return filled
}
