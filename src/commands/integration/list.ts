import type {Integration, LastSync} from '../../workspace/integration.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {driverFor} from '../../integrations/registry.js'
import {sessionsOf} from '../../integrations/store.js'
import {latestSync, readSyncRecord} from '../../integrations/sync-record.js'
import {workspaceStore} from '../../workspace/store.js'
import {readWorkspace} from '../../workspace/workspace-file.js'

export type IntegrationListing = Integration & {
  /** the last sync that ran (a sync that changed nothing included) */
  lastSync: LastSync | null
  /** ISO time the login expires; null: not logged in (or the type has no login) */
  loggedInUntil: null | string
  sessions: number
}

function when(sync: LastSync | null): string {
  if (!sync) return 'never'
  const {added, removed, unchanged, updated} = sync.counts
  return sync.result === 'ok' ? `${sync.at} ok (+${added} ~${updated} -${removed} =${unchanged})` : `${sync.at} failed`
}

export default class IntegrationList extends TerraceCommand {
  static override description = `List the integrations: alias, type, logged in until, sessions, last sync and its result.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> integration list', '<%= config.bin %> integration list --json']

  async run(): Promise<{integrations: IntegrationListing[]}> {
    await this.parse(IntegrationList)
    const workspace = await readWorkspace(workspaceStore())
    const integrations: IntegrationListing[] = []
    for (const integration of workspace.integrations) {
      const driver = driverFor(integration)
      integrations.push({
        ...integration,
        lastSync: latestSync(integration.lastSync, await readSyncRecord(process.env, integration.alias)),
        loggedInUntil: driver.loggedInUntil ? await driver.loggedInUntil(integration, process.env) : null,
        sessions: sessionsOf(workspace, integration.alias).length,
      })
    }

    if (!this.jsonEnabled()) {
      if (integrations.length === 0) this.log('No integrations. Add one with `terrace integration add`.')
      else {
        const rows = [
          ['ALIAS', 'TYPE', 'LOGGED IN UNTIL', 'SESSIONS', 'LAST SYNC'],
          ...integrations.map((i) => [i.alias, i.type, i.loggedInUntil ?? '-', String(i.sessions), when(i.lastSync)]),
        ]
        const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
        for (const row of rows)
          this.log(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '))
      }
    }

    return {integrations}
  }
}
