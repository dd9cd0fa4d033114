import {Args, Flags} from '@oclif/core'

import type {SyncSummary} from '../../integrations/types.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {servingStop} from '../../integrations/stop-sessions.js'
import {syncProgress} from '../../integrations/sync-progress.js'
import {syncIntegration} from '../../integrations/sync-service.js'
import {UsageError} from '../../lib/errors.js'
import {workspaceStore} from '../../workspace/store.js'

/** skipped source entries named on stderr; --json lists them all */
const MAX_SKIPPED_SHOWN = 20

export default class IntegrationSync extends TerraceCommand {
  static override args = {alias: Args.string({description: 'the integration', required: true})}
  static override description = `Read the integration's source and create, update or remove its sessions.

Session ids stay the same across syncs, and what you changed on a synced session (name, region, profile) is kept. A session whose role left the source is stopped and removed, and the summary says so. aws-sso: ListAccounts, then ListAccountRoles per account, paced to --rate requests per second (default 20, the portal's limit), slowing down when throttled and retrying throttled or failed requests. Progress: a bar on a terminal, a line every few seconds otherwise. Nothing is written until the whole source is read (Ctrl-C leaves the workspace as it was), and nothing at all when nothing changed.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> integration sync corp',
    '<%= config.bin %> integration sync corp --rate 10 --json',
  ]
  static override flags = {
    rate: Flags.string({description: 'requests per second to the source (default 20)'}),
  }

  async run(): Promise<SyncSummary> {
    const {args, flags} = await this.parse(IntegrationSync)
    const rate = flags.rate === undefined ? 20 : Number(flags.rate)
    if (!Number.isFinite(rate) || rate <= 0 || rate > 1000)
      throw new UsageError(`--rate ${JSON.stringify(flags.rate)} is not a number of requests per second (0 to 1000).`)
    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.on('SIGINT', onSigint)
    // started once the integration is found: an unknown alias fails before "starting the sync…"
    let progress: ReturnType<typeof syncProgress> | undefined
    let summary: SyncSummary
    try {
      summary = await syncIntegration(workspaceStore(), args.alias, {
        env: process.env,
        onProgress: (p) => progress?.update(p),
        onStart() {
          progress = syncProgress(args.alias)
        },
        rate,
        signal: abort.signal,
        stop: servingStop(process.env, this.config.root),
      })
    } finally {
      progress?.stop()
      process.removeListener('SIGINT', onSigint)
    }

    // on stderr, with --json too: the source holds entries no session was made of
    const {skipped} = summary
    if (skipped.length > 0) {
      const shown = skipped.slice(0, MAX_SKIPPED_SHOWN)
      // process.stderr: oclif's logToStderr is silent under --json
      const warn = (line: string) => process.stderr.write(`${line}\n`)
      warn(
        `terrace: warning: ${skipped.length} ${skipped.length === 1 ? 'entry' : 'entries'} of the source could not become sessions:`,
      )
      for (const why of shown) warn(`  - ${why}`)
      if (skipped.length > shown.length) warn(`  … and ${skipped.length - shown.length} more (--json lists them all).`)
    }

    if (!this.jsonEnabled()) {
      const {added, removed, unchanged, updated} = summary.counts
      const r = summary.requests
      this.log(
        `${summary.alias}: ${added} added, ${updated} updated, ${removed} removed, ${unchanged} unchanged${summary.written ? '' : ' (workspace not written: nothing changed)'}.`,
      )
      this.log(
        `requests ${r.requests}, throttled ${r.throttled}, retries ${r.retries}, ${r.ratePerSecond} requests/s over ${(r.elapsedMs / 1000).toFixed(1)} s.`,
      )
      for (const s of summary.removed) {
        const why = s.reason === 'gone' ? `${s.key} is no longer in the source` : 'it was chained on a removed session'
        this.log(`removed ${s.name}${s.stopped ? ' (stopped first)' : ''}: ${why}.`)
      }
    }

    return summary
  }
}
