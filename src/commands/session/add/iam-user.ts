import {Flags} from '@oclif/core'

import type {Session} from '../../../workspace/session.js'

import {TerraceCommand} from '../../../cli/base-command.js'
import {sessionAddFlags} from '../../../cli/session-flags.js'
import {workspaceStore} from '../../../workspace/store.js'

export default class SessionAddIamUser extends TerraceCommand {
  static override description = `Add an aws-iam-user session: an IAM user's access keys, optionally with an MFA device.

The access key pair comes from the CSV the AWS console exports (--credentials-file) or is typed in on the terminal (the secret without echo). It is verified with STS GetCallerIdentity using exactly those keys, then stored in the vault only, keyed by the session id; workspace.json holds no secret. --fetch-mfa-device looks the user's MFA device up (IAM ListMFADevices); --mfa-serial names it. The session's credentials are a GetSessionToken session (with MFA when a device is set), cached for its life. A missing flag exits 2 naming it.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session add iam-user --name alice --credentials-file ~/Downloads/alice_accessKeys.csv --fetch-mfa-device',
    '<%= config.bin %> session add iam-user --name alice --mfa-serial arn:aws:iam::222222222222:mfa/alice --region eu-west-1',
  ]
  static override flags = {
    ...sessionAddFlags,
    'credentials-file': Flags.string({description: 'the access key CSV downloaded from the AWS console'}),
    'fetch-mfa-device': Flags.boolean({
      description: "look up the user's MFA device (IAM ListMFADevices) and store its serial",
      exclusive: ['mfa-serial'],
    }),
    'mfa-serial': Flags.string({description: "the MFA device's ARN (arn:aws:iam::<account id>:mfa/<name>)"}),
  }

  async run(): Promise<Session> {
    const {flags} = await this.parse(SessionAddIamUser)
    const {env} = process
    const [{createAuthServices}, {verifiedAccessKeys}, {sdkSts}, {readAccessKeys}, {addIamUserSession}] =
      await Promise.all([
        import('../../../auth/services.js'),
        import('../../../auth/iam/configure-iam-user.js'),
        import('../../../auth/iam/sts-port.js'),
        import('../../../cli/access-keys-input.js'),
        import('../../../workspace/add-iam-user.js'),
      ])
    const services = await createAuthServices({env})
    const {keys, session} = await addIamUserSession(
      {
        vault: services.store,
        verifiedKeys: (mfa) =>
          verifiedAccessKeys(
            {
              env,
              keys: () => readAccessKeys({csv: flags['credentials-file'], env}),
              notice: (message) => process.stderr.write(`${message}\n`),
              now: () => services.clock.now(),
              sts: sdkSts(env),
            },
            mfa,
          ),
        workspace: workspaceStore(env),
      },
      {
        fetchMfaDevice: flags['fetch-mfa-device'],
        mfaSerial: flags['mfa-serial'],
        name: flags.name,
        profile: flags.profile,
        region: flags.region,
      },
    )
    if (!this.jsonEnabled()) {
      this.log(`Added session ${session.name} (aws-iam-user, profile ${session.profile}).`)
      this.log(`  user:       ${keys.userArn}`)
      this.log(`  access key: …${keys.accessKeyIdEnding} (in the vault: ${services.store.description})`)
      this.log(`  MFA device: ${session.mfaSerial ?? '(none)'}`)
    }

    return session
  }
}
