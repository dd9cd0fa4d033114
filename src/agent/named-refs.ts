/**
 * What a `credentials` request may name instead of a whole role ref: a workspace session by its id (or name), and a
 * terrace-managed profile by its name. The agent resolves them at request time, as `terrace credential-process
 * --session|--profile` does on the direct path: a session from TERRACE_HOME/workspace.json, a profile from
 * TERRACE_HOME/config/profiles.json. So a client sends one short request and reads nothing itself. Each parsed file
 * is kept while it is the same one (inode, size, mtime: a cheap stat per request; both are written by atomic
 * renames, so an edit is a new inode): an edited or removed session or profile is seen by the next request.
 */
import {stat} from 'node:fs/promises'
import {join} from 'node:path'

import type {RoleRef} from '../lib/role-refs.js'
import type {Workspace} from '../workspace/session.js'
import type {AgentLog} from './log.js'

import {type ManagedProfile, profileRegistryPath, readProfileRegistry} from '../auth/credentials/profile-registry.js'
import {ConfigError} from '../lib/errors.js'
import {sessionRef} from '../workspace/session-ref.js'
import {findSession} from '../workspace/session-service.js'
import {readWorkspace, workspaceFiles, type WorkspaceStore} from '../workspace/workspace-file.js'

/** A file's parsed content, read again only when the file is not the same one any more. */
class StatKeyed<T> {
  private held: undefined | {key: string; value: Promise<T>}

  constructor(
    private readonly path: string,
    private readonly read: () => Promise<T>,
  ) {}

  async get(): Promise<T> {
    const key = await stat(this.path).then(
      (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
      () => 'none',
    )
    if (this.held?.key !== key) {
      const value = this.read()
      this.held = {key, value}
      value.catch(() => {
        if (this.held?.value === value) this.held = undefined
      })
    }

    return this.held.value
  }
}

export class AgentNamedRefs {
  private readonly profiles: StatKeyed<Record<string, ManagedProfile>>
  private readonly workspace: StatKeyed<Workspace>

  /** home: TERRACE_HOME */
  constructor(home: string, log: AgentLog) {
    const store: WorkspaceStore = {files: workspaceFiles(home), warn: () => log.write('workspace-notice', {})}
    this.workspace = new StatKeyed(store.files.file, () => readWorkspace(store))
    const configDir = join(home, 'config')
    this.profiles = new StatKeyed(profileRegistryPath(configDir), () => readProfileRegistry(configDir))
  }

  /** The role reference of a terrace-managed profile; ConfigError (exit 4) when there is no such profile. */
  async profile(name: string): Promise<RoleRef> {
    const profiles = await this.profiles.get()
    const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined
    if (!profile) throw new ConfigError(`"${name}" is not a terrace-managed profile.`)
    return profile.ref
  }

  /** The session's role reference; ConfigError (exit 4) when the workspace has no such session. */
  async session(nameOrId: string): Promise<RoleRef> {
    const workspace = await this.workspace.get()
    return sessionRef(workspace, findSession(workspace, nameOrId))
  }
}
