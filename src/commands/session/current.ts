import {Flags} from '@oclif/core'

import type {CurrentSession} from '../../workspace/session-serving.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {expiresIn} from '../../lib/session-records.js'
import {currentSessions} from '../../workspace/session-serving.js'
import {workspaceStore} from '../../workspace/store.js'

export default class SessionCurrent extends TerraceCommand {
  static override description = `Show the active sessions: which session serves each profile.

With --profile, only that profile's session (none: "No active session on profile P.").`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session current',
    '<%= config.bin %> session current --profile default --json',
  ]
  static override flags = {
    profile: Flags.string({description: 'only the session serving this profile'}),
  }

  async run(): Promise<{sessions: CurrentSession[]}> {
    const {flags} = await this.parse(SessionCurrent)
    const sessions = await currentSessions(workspaceStore(), flags.profile)
    if (!this.jsonEnabled()) {
      if (sessions.length === 0) {
        this.log(flags.profile ? `No active session on profile ${flags.profile}.` : 'No active session.')
      }

      const now = Date.now()
      for (const s of sessions) {
        const expires = s.expiresAt ? `, credentials expire ${expiresIn(Date.parse(s.expiresAt), now)}` : ''
        this.log(
          `${s.profile}: ${s.name} (${s.type}${s.region ? `, ${s.region}` : ''}, started ${s.startedAt}${expires})`,
        )
        if (s.renewal) this.log(`  not renewed: terrace's agent cannot renew its keys: ${s.renewal}`)
      }
    }

    return {sessions}
  }
}
