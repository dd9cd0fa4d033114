import {lstat, mkdir} from 'node:fs/promises'

import {VaultError} from '../lib/errors.js'

/**
 * Access to the agent is access to the socket, as with ssh-agent: the socket's folder must be the user's own and
 * closed to everyone else (0700), the socket itself 0600. Both the agent (before binding) and every client (before
 * connecting) check the folder, and refuse, with exit 8 and the fix, when its owner or mode is wrong.
 */
export interface DirStat {
  isDirectory(): boolean
  isSymbolicLink(): boolean
  mode: number
  uid: number
}

export interface SocketDirDeps {
  lstat: (path: string) => Promise<DirStat>
  mkdir: (path: string, options: {mode: number; recursive: true}) => Promise<unknown>
  /** the user's uid; null where there is none (Windows) */
  uid: null | number
}

export const socketDirDeps: SocketDirDeps = {
  lstat,
  mkdir,
  uid: typeof process.getuid === 'function' ? process.getuid() : null,
}

/** Longest socket path most systems bind (sun_path is 104 bytes on macOS, 108 on Linux, with the final NUL). */
const MAX_SOCKET_PATH_BYTES = 103

/** Throws VaultError when the folder exists and is not a private folder of this user; false when it is missing. */
export async function checkSocketDir(dir: string, deps: SocketDirDeps = socketDirDeps): Promise<boolean> {
  let info: DirStat
  try {
    info = await deps.lstat(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }

  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new VaultError(`The agent's socket folder ${dir} is not a folder (a link or a file stands there).`, {
      suggestion: `Remove it (rm ${dir}); terrace creates the folder again, private to you.`,
    })
  }

  if (deps.uid !== null && info.uid !== deps.uid) {
    throw new VaultError(
      `The agent's socket folder ${dir} belongs to another user (uid ${info.uid}, you are ${deps.uid}): anyone owning it could stand in for the agent.`,
      {suggestion: `Remove it as its owner or root (rm -r ${dir}), or point TERRACE_HOME at a folder of your own.`},
    )
  }

  const mode = info.mode % 0o1000 // the permission bits
  if (mode % 0o100 !== 0) {
    throw new VaultError(
      `The agent's socket folder ${dir} has mode ${mode.toString(8).padStart(4, '0')}: other users could reach the agent.`,
      {suggestion: `Close it to everyone but you: chmod 700 ${dir}`},
    )
  }

  return true
}

/** Creates the folder (0700) when missing, then checks it as above. */
export async function ensureSocketDir(dir: string, deps: SocketDirDeps = socketDirDeps): Promise<void> {
  if (await checkSocketDir(dir, deps)) return
  await deps.mkdir(dir, {mode: 0o700, recursive: true})
  await checkSocketDir(dir, deps)
}

/** A socket path too long to bind fails with a plain message instead of EINVAL. */
export function checkSocketPath(socket: string): void {
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new VaultError(
      `The agent's socket path ${socket} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, too long for a Unix socket.`,
      {suggestion: 'Point TERRACE_HOME at a shorter folder.'},
    )
  }
}
