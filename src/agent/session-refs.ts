/**
 * Workspace sessions as the agent serves them: a `credentials` request names a session by its id (or name) only, and
 * the agent resolves it from TERRACE_HOME/workspace.json at request time, as `terrace credential-process --session`
 * does on the direct path. The parsed workspace is kept while the file is the same one (inode, size, mtime: a cheap
 * stat per request; workspace writes are atomic renames, so an edit is a new inode), so an edited or removed session
 * is seen by the next request.
 */
import {stat} from 'node:fs/promises'

import type {SessionRef} from '../lib/role-refs.js'
import type {Workspace} from '../workspace/session.js'
import type {AgentLog} from './log.js'

import {sessionRef} from '../workspace/session-ref.js'
import {findSession} from '../workspace/session-service.js'
import {readWorkspace, workspaceFiles, type WorkspaceStore} from '../workspace/workspace-file.js'

export class AgentSessionRefs {
  private read: undefined | {key: string; workspace: Promise<Workspace>}
  private readonly store: WorkspaceStore

  /** home: TERRACE_HOME */
  constructor(home: string, log: AgentLog) {
    this.store = {files: workspaceFiles(home), warn: () => log.write('workspace-notice', {})}
  }

  /** The session's role reference; ConfigError (exit 4) when the workspace has no such session. */
  async resolve(nameOrId: string): Promise<SessionRef> {
    const workspace = await this.workspace()
    return sessionRef(workspace, findSession(workspace, nameOrId))
  }

  private async workspace(): Promise<Workspace> {
    const key = await stat(this.store.files.file).then(
      (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
      () => 'none',
    )
    if (this.read?.key !== key) {
      const workspace = readWorkspace(this.store)
      this.read = {key, workspace}
      workspace.catch(() => {
        if (this.read?.workspace === workspace) this.read = undefined
      })
    }

    return this.read.workspace
  }
}
