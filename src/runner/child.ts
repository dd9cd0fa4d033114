/**
 * Running one child process the way a user expects of a wrapper: the terminal (stdio inherited), the signals
 * and the exit code behave as if they had called the tool themselves.
 *
 * node:child_process rather than execa: importing execa costs more than the rest of this hot path of every
 * `terrace tf …` run (bench/overhead.js measures the path).
 *
 * Signals: Ctrl-C at a terminal reaches the whole foreground process group, so the child
 * already has it; forwarding would make terraform see two interrupts and abandon its graceful shutdown. So while
 * the child runs, terrace ignores SIGINT for itself and forwards it only when stdin is not a terminal (then it
 * came from `kill -INT` or a CI runner, not a terminal). SIGTERM and SIGHUP are always forwarded. Terrace waits
 * for the child whatever happens; a child killed by a signal gives 128 + the signal number.
 */
import {spawn} from 'node:child_process'
import {constants} from 'node:os'

import {BinaryNotFoundError, TerraceError} from '../lib/errors.js'
import {type ChildEnvironment, passThroughEnvironment} from './child-environment.js'

export interface SignalSource {
  off(signal: NodeJS.Signals, listener: () => void): unknown
  on(signal: NodeJS.Signals, listener: () => void): unknown
}

export interface ChildSpec {
  args: readonly string[]
  /** absolute path of the program */
  command: string
  cwd: string
  /** terrace's own environment; `environment` turns it into the child's */
  env: NodeJS.ProcessEnv
  environment?: ChildEnvironment
  /** default: process */
  signals?: SignalSource
  stdinIsTTY: boolean
  /** 'stderr' sends the child's stdout to terrace's stderr (when terrace's stdout carries JSON) */
  stdout?: 'inherit' | 'stderr'
}

export interface ChildResult {
  exitCode: number
  /** signals terrace itself received while the child ran */
  received: NodeJS.Signals[]
  /** the signal that killed the child, if one did */
  signal: NodeJS.Signals | null
}

/** The exit code a shell reports: the child's own, or 128 + n for a death by signal n. */
export function exitCodeFor(code: null | number, signal: NodeJS.Signals | null): number {
  if (code !== null) return code
  const number = signal ? constants.signals[signal] : undefined
  return number === undefined ? 1 : 128 + number
}

/** Whether terrace passes a signal it received on to its child. */
export function shouldForward(signal: NodeJS.Signals, stdinIsTTY: boolean): boolean {
  return signal === 'SIGINT' ? !stdinIsTTY : true
}

const HANDLED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

export async function runChild(spec: ChildSpec): Promise<ChildResult> {
  const environment = spec.environment ?? passThroughEnvironment
  const signals = spec.signals ?? process
  try {
    const env = await environment.prepare(spec.env)
    return await new Promise<ChildResult>((resolve, reject) => {
      const received: NodeJS.Signals[] = []
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env,
        stdio: ['inherit', spec.stdout === 'stderr' ? process.stderr : 'inherit', 'inherit'],
      })
      // Installed synchronously after spawn: no signal can be handled by Node's default in between.
      const listeners = HANDLED.map((signal) => {
        const listener = () => {
          received.push(signal)
          if (shouldForward(signal, spec.stdinIsTTY) && child.exitCode === null && child.signalCode === null) {
            child.kill(signal)
          }
        }

        signals.on(signal, listener)
        return {listener, signal}
      })
      const detach = () => {
        for (const {listener, signal} of listeners) signals.off(signal, listener)
      }

      child.once('error', (error: NodeJS.ErrnoException) => {
        detach()
        if (error.code === 'ENOENT' || error.code === 'EACCES') {
          reject(new BinaryNotFoundError(`${spec.command}: cannot be run (${error.code})`, {cause: error}))
        } else {
          reject(new TerraceError(`could not start ${spec.command}: ${error.message}`, {cause: error}))
        }
      })
      child.once('close', (code, signal) => {
        detach()
        resolve({exitCode: exitCodeFor(code, signal), received, signal})
      })
    })
  } finally {
    await environment.dispose()
  }
}
