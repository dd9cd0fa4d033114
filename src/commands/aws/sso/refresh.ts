import {Flags} from '@oclif/core'

import {composeCredentials} from '../../../auth/credential-root.js'
import {refreshRoles, type RoleRefreshResult} from '../../../auth/credentials/refresh-roles.js'
import {createAuthServices} from '../../../auth/services.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {projectBindings, projectSso} from '../../../layers/profile-bindings.js'
import {startProgress} from '../../../lib/progress.js'

export interface RefreshResult {
  roles: RoleRefreshResult[]
  startUrl: string
}

export default class AwsSsoRefresh extends TerraceCommand {
  static override aliases = ['sso:refresh']
  static override description = `Renew the cached role credentials of every account and role the project uses.

Run it inside a project. Without --force, only credentials that are stale (older than the TTL, or close to expiry) are fetched again; with --force every role gets new credentials. Roles are fetched a few at a time, one call per role even when other terrace processes refresh at once. Reports, per role, when the credentials were obtained and until when terrace hands them out (never the keys). A role that fails does not stop the others; the command then exits with that failure's code (5 logged out, 6 refused, 9 AWS unreachable).`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> aws sso refresh', '<%= config.bin %> aws sso refresh --force --json']
  static override flags = {
    concurrency: Flags.integer({default: 4, description: 'how many roles to fetch at once', max: 16, min: 1}),
    force: Flags.boolean({description: 'fetch new credentials even for roles whose cached ones are fresh'}),
  }

  async run(): Promise<RefreshResult> {
    const {flags} = await this.parse(AwsSsoRefresh)
    const invocation = this.invocation()
    const {env} = invocation
    const project = await invocation.project()
    const {startUrl} = projectSso(project)
    const bindings = projectBindings(project)
    const services = await createAuthServices({env})
    await services.ssoLogin.accessToken(startUrl) // logged out: one exit 5 up front, not one per role
    // the project's roles are SSO roles: no MFA
    const {expirationOf, source} = composeCredentials(services, {
      mfa: {kind: 'never'},
      mfaSessionSeconds: null,
      stderr: process.stderr,
    })
    const progress = startProgress(`Refreshing credentials for ${bindings.length} roles…`, {plainEveryMs: 5000})
    let roles: RoleRefreshResult[] = []
    try {
      roles = await refreshRoles({
        bindings,
        concurrency: flags.concurrency,
        expiresAt: expirationOf,
        force: flags.force,
        now: () => services.clock.now(),
        onProgress: (done, total) => progress.update(`Refreshing credentials: ${done}/${total} roles`),
        source,
      })
    } finally {
      progress.stop()
    }

    process.stderr.write(`Renewed ${roles.filter((r) => r.renewed).length} of ${roles.length} roles.\n`)

    if (!this.jsonEnabled()) for (const role of roles) this.log(formatRole(role))
    const failed = roles.find((r) => r.error)
    if (failed?.error) process.exitCode = failed.error.code
    return {roles, startUrl}
  }
}

function formatRole(r: RoleRefreshResult): string {
  const who = `${r.role} in ${r.account ? `${r.account} (${r.accountId})` : r.accountId}`
  if (r.error) return `✗ ${who}: ${r.error.message}`
  return `${r.renewed ? '✓ renewed' : '· fresh  '} ${who} [${r.profile}]: obtained ${r.obtainedAt}, handed out until ${r.expiresAt}`
}
