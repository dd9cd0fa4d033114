/**
 * `terrace session list` without oclif (slow to import), for the common forms only: `session list` with --json,
 * --type, --status and --filter (`--flag value` or `--flag=value`). Anything else (--help, --debug, an unknown or
 * repeated flag, a missing value) returns undefined from sessionListArgs and goes to the oclif command, which prints
 * the same output through the same service and table.
 */
import {exitCodeOf, fileSystemError, formatError} from '../lib/errors.js'
import {listSessions, type SessionFilter} from './session-service.js'
import {formatSessionTable} from './session-table.js'
import {workspaceStore} from './store.js'

export type SessionListArgs = {filter: SessionFilter; json: boolean}

const VALUE_FLAGS: Record<string, keyof SessionFilter> = {'--filter': 'text', '--status': 'status', '--type': 'type'}

/** The options of `session list …` when the fast path can take them; undefined otherwise. */
export function sessionListArgs(argv: readonly string[]): SessionListArgs | undefined {
  if (argv[0] !== 'session' || argv[1] !== 'list') return undefined
  const result: SessionListArgs = {filter: {}, json: false}
  const seen = new Set<string>()
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]
    const equals = arg.indexOf('=')
    const flag = equals > 0 ? arg.slice(0, equals) : arg
    if (seen.has(flag)) return undefined
    seen.add(flag)
    if (flag === '--json' && equals < 0) {
      result.json = true
      continue
    }

    const key = VALUE_FLAGS[flag]
    if (!key) return undefined
    const value = equals > 0 ? arg.slice(equals + 1) : argv[++i]
    if (value === undefined || (equals < 0 && value.startsWith('-'))) return undefined
    result.filter[key] = value
  }

  return result
}

/** Runs the listing; returns the exit code. Output as the oclif command's (JSON pretty-printed, errors alike). */
export async function runSessionList(
  args: SessionListArgs,
  io: {env: NodeJS.ProcessEnv; stderr: (text: string) => void; stdout: (text: string) => void},
): Promise<number> {
  try {
    const store = workspaceStore(io.env, (message) => io.stderr(`${message}\n`))
    const {defaultRegion, sessions, workspace} = await listSessions(store, args.filter)
    if (args.json) io.stdout(`${JSON.stringify({defaultRegion, sessions}, null, 2)}\n`)
    else if (workspace.sessions.length === 0) io.stdout('No sessions. Add one with `terrace session add`.\n')
    else if (sessions.length === 0) io.stdout('No session matches.\n')
    else io.stdout(formatSessionTable(sessions, defaultRegion, Date.now()))
    return 0
  } catch (error_) {
    const error = fileSystemError(error_) ?? (error_ as Error)
    const code = exitCodeOf(error)
    if (args.json) {
      const suggestion = (error as {suggestion?: string}).suggestion ?? null
      io.stdout(`${JSON.stringify({error: {code, message: error.message, suggestion}}, null, 2)}\n`)
    } else {
      io.stderr(`${formatError(error, false)}\n`)
    }

    return code
  }
}
