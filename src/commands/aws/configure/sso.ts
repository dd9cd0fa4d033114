import {Flags} from '@oclif/core'
import {join} from 'node:path'

import {endpointFor, toTerraceError} from '../../../auth/aws-errors.js'
import {
  profileRegistryPath,
  readProfileRegistry,
  updateProfileRegistry,
} from '../../../auth/credentials/profile-registry.js'
import {createAuthServices} from '../../../auth/services.js'
import {withSsoToken} from '../../../auth/sso/with-sso-token.js'
import {awsConfigFile, awsCredentialsFile} from '../../../awsfiles/aws-file-paths.js'
import {
  ConfigureResult,
  planProfiles,
  reconcileManagedProfiles,
  skippedProfilesError,
  writeSsoProfiles,
} from '../../../awsfiles/configure-sso.js'
import {listReachableRoles, ReachableRole} from '../../../awsfiles/sso-role-listing.js'
import {TerraceCommand} from '../../../cli/base-command.js'
import {projectBindings, projectSso} from '../../../layers/profile-bindings.js'
import {formatError} from '../../../lib/errors.js'
import {homePaths} from '../../../lib/paths.js'
import {startProgress} from '../../../lib/progress.js'

export default class AwsConfigureSso extends TerraceCommand {
  static override description = `Write the project's AWS profiles into your AWS config, for tools run outside terrace.

From anywhere in the project, writes one profile per (account, role) the project uses, named as the project names them (<project>-<account>-<role>), into a block of your AWS config (AWS_CONFIG_FILE, else ~/.aws/config) between terrace's marker comments. Each profile gets its credentials from \`terrace credential-process\` (absolute paths: terrace need not be on PATH) and works from any folder. Everything outside the block is left byte for byte; a profile of yours with the same name (config or credentials file) is never overwritten: it is skipped, the others written, and the run ends with exit 4. Running it again changes nothing. --all also writes a profile for every account and role your SSO login reaches (needs \`terrace aws sso login\`).`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> aws configure sso', '<%= config.bin %> aws configure sso --all --json']
  static override flags = {
    all: Flags.boolean({description: 'also every account and role your SSO login can reach (lists them in SSO)'}),
  }

  async run(): Promise<ConfigureResult> {
    const {flags} = await this.parse(AwsConfigureSso)
    const invocation = this.invocation()
    const {env} = invocation
    const project = await invocation.project()
    const sso = projectSso(project)
    const {common} = project
    const naming = {
      accounts: project.accounts,
      defaultRegion: common.regionPrimary ?? common.region ?? sso.ssoRegion,
      project: common.project,
      ...sso,
    }
    const reachable = flags.all ? await this.listRoles(sso, env) : []
    const configDir = homePaths(env).config
    const configFile = awsConfigFile(env)
    // what a killed earlier run left (temp files, locks, a registry entry its config never got) goes first
    await reconcileManagedProfiles({
      configFile,
      readRegistry: () => readProfileRegistry(configDir),
      registryFile: profileRegistryPath(configDir),
      updateRegistry: (change) => updateProfileRegistry(configDir, change),
    })
    const result = await writeSsoProfiles(
      planProfiles(naming, projectBindings(project), reachable, (message) => this.logToStderr(`Warning: ${message}`)),
      {
        configFile: awsConfigFile(env),
        credentialsFile: awsCredentialsFile(env),
        entry: join(this.config.root, 'bin', 'run.js'),
        node: process.execPath,
        projectRoot: project.root,
        readRegistry: () => readProfileRegistry(configDir),
        updateRegistry: (change) => updateProfileRegistry(configDir, change),
      },
    )
    if (!this.jsonEnabled()) {
      const width = Math.max(...result.profiles.map((p) => p.name.length))
      for (const p of result.profiles)
        this.log(`${p.status.padEnd(9)} ${p.name.padEnd(width)}  ${p.accountId} ${p.role} ${p.region}`)
      const count = (status: string) => result.profiles.filter((p) => p.status === status).length
      const [written, unchanged, skipped] = [count('written'), count('unchanged'), count('skipped')]
      const skippedNote = skipped > 0 ? `, ${skipped} skipped` : ''
      this.logToStderr(
        written === 0
          ? `${result.configFile}: unchanged (${unchanged} profiles already up to date${skippedNote}).`
          : `${result.configFile}: wrote ${written} profiles, ${unchanged} unchanged${skippedNote}.`,
      )
    }

    // the other profiles are written; the skipped ones are said last and in the exit code (4)
    const skipped = skippedProfilesError(result.profiles)
    if (skipped) {
      process.stderr.write(`${formatError(skipped)}\n`)
      process.exitCode = skipped.exitCode
    }

    return result
  }

  private async listRoles(
    sso: {ssoRegion: string; startUrl: string},
    env: NodeJS.ProcessEnv,
  ): Promise<ReachableRole[]> {
    const services = await createAuthServices({env})
    const portal = await services.portal(sso.ssoRegion)
    const token = await services.ssoLogin.accessToken(sso.startUrl)
    const progress = startProgress('[0/?] accounts', {plainEveryMs: 2000})
    let total = 0
    const options = {
      onProgress(done: number, all: number) {
        total = all
        progress.update(`[${done}/${all}] accounts`)
      },
    }
    try {
      const roles = await withSsoToken(
        services.ssoLogin,
        sso.startUrl,
        ({accessToken}) => listReachableRoles(portal, accessToken, options),
        {token},
      )
      progress.stop(`[${total}/${total}] accounts: ${roles.length} roles`)
      return roles
    } catch (error) {
      progress.stop()
      throw toTerraceError(error, {
        endpoint: endpointFor('sso', sso.ssoRegion, services.env),
        what: 'listing your SSO accounts and roles',
      })
    }
  }
}
