import {Flags} from '@oclif/core'

import type {ConfigureIamUserResult} from '../../auth/iam/configure-iam-user.js'

import {TerraceCommand} from '../../cli/base-command.js'

export default class CredentialsConfigure extends TerraceCommand {
  static override description = `Store one of the project's IAM user access keys in the vault (MFA projects).

From inside the project: the access key pair comes from the CSV the AWS console exports (--credentials-file, either console format) or is typed in (the secret without echo). It is verified with STS GetCallerIdentity using exactly those keys, then stored in the vault only (OS keychain or encrypted file; never ~/.aws, never a plain file), under the project's name and the type. --fetch-mfa-device looks the user's MFA device up (IAM ListMFADevices); --mfa-serial names it. An existing entry is kept unless --overwrite. The secret is never printed.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> credentials configure --type security --credentials-file ~/Downloads/alice_accessKeys.csv --fetch-mfa-device',
    '<%= config.bin %> credentials configure --type management --mfa-serial arn:aws:iam::111111111111:mfa/alice',
    '<%= config.bin %> credentials configure --type security --overwrite',
  ]
  static override flags = {
    'credentials-file': Flags.string({description: 'the access key CSV downloaded from the AWS console'}),
    'fetch-mfa-device': Flags.boolean({
      description: "look up the user's MFA device (IAM ListMFADevices) and store its serial",
      exclusive: ['mfa-serial'],
    }),
    'mfa-serial': Flags.string({description: 'the MFA device ARN (arn:aws:iam::<account>:mfa/<name>)'}),
    overwrite: Flags.boolean({description: 'replace keys already stored for this project and type'}),
    type: Flags.string({
      description: 'which of the project IAM users the keys belong to',
      options: ['bootstrap', 'management', 'security'],
      required: true,
    }),
  }

  async run(): Promise<ConfigureIamUserResult> {
    const {flags} = await this.parse(CredentialsConfigure)
    const invocation = this.invocation()
    const {env} = invocation
    const [{createAuthServices}, {configureIamUser}, {sdkSts}, {readAccessKeys}] = await Promise.all([
      import('../../auth/services.js'),
      import('../../auth/iam/configure-iam-user.js'),
      import('../../auth/iam/sts-port.js'),
      import('../../cli/access-keys-input.js'),
    ])
    const project = await invocation.project()
    const services = await createAuthServices({env})
    const userType = flags.type as 'bootstrap' | 'management' | 'security'
    const result = await configureIamUser(
      {
        env,
        keys: () => readAccessKeys({csv: flags['credentials-file'], env}),
        notice: (message) => process.stderr.write(`${message}\n`),
        now: () => services.clock.now(),
        store: services.store,
        sts: sdkSts(env),
      },
      {
        fetchMfaDevice: flags['fetch-mfa-device'],
        mfaSerial: flags['mfa-serial'] ?? null,
        overwrite: flags.overwrite,
        project: project.common.project,
        userType,
      },
    )
    if (!this.jsonEnabled()) {
      const what = `the ${result.type} IAM user keys of project ${result.project}`
      this.log(
        result.status === 'kept'
          ? `Kept ${what}, already in the vault (pass --overwrite to replace them).`
          : `${result.status === 'replaced' ? 'Replaced' : 'Stored'} ${what} in the vault (${services.store.description}).`,
      )
      this.log(`  user:       ${result.userArn}`)
      this.log(`  account:    ${result.accountId}`)
      this.log(`  access key: …${result.accessKeyIdEnding}`)
      this.log(`  MFA device: ${result.mfaSerial ?? '(none)'}`)
    }

    return result
  }
}
