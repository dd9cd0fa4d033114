import {Args, Flags} from '@oclif/core'

import {addChain, type ChainListing, describeChain, formatChain} from '../../auth/chains/chain-add.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {chainProject} from '../../layers/chain-bindings.js'
import {homePaths} from '../../lib/paths.js'

export default class ChainAdd extends TerraceCommand {
  static override args = {
    name: Args.string({description: 'the chain name (letters, digits, ".", "_", "-")', required: true}),
  }
  static override description = `Add a role chain: AssumeRole hops, each made with the previous hop's credentials.

The first hop's caller is the chain's --source: one of the project's IAM users (security, management or bootstrap, stored with \`terrace credentials configure\`; through its MFA session when it has an MFA device), or an SSO role (sso:<account>/<role>, the account by the project's name or its 12-digit id). Give --role once per hop, in order. The MFA code is used once, at the start of the chain (GetSessionToken, or with --mfa the first AssumeRole), never on later hops; every hop asks for one hour, AWS's limit for chained roles. Chains live in TERRACE_HOME/config/chains.json (no secret). Use them with \`terrace exec --chain <name> -- <command>\`, or map an account to a chain in terrace.json ("chains": {"<account>": "<chain>"}).`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> chain add ops --source security --role arn:aws:iam::333333333333:role/DevOps --role arn:aws:iam::555555555555:role/DevOps',
    '<%= config.bin %> chain add audit --source sso:management/Administrator --role arn:aws:iam::666666666666:role/ReadOnly',
  ]
  static override flags = {
    mfa: Flags.boolean({
      description: "pass the IAM user's MFA code on the first AssumeRole instead of using a cached MFA session",
    }),
    overwrite: Flags.boolean({description: 'replace a chain of the same name'}),
    role: Flags.string({
      description: 'a hop: arn:aws:iam::<account id>:role/<name> (repeat, in order)',
      multiple: true,
      required: true,
    }),
    'session-name': Flags.string({description: 'RoleSessionName of every hop (default: terrace-<name>)'}),
    source: Flags.string({
      description: "the first hop's caller: security|management|bootstrap (an IAM user) or sso:<account>/<role>",
      required: true,
    }),
  }

  async run(): Promise<ChainListing> {
    const {args, flags} = await this.parse(ChainAdd)
    const invocation = this.invocation()
    const {env} = invocation
    const project = await invocation.project()
    const definition = await addChain(
      homePaths(env).config,
      {
        mfa: flags.mfa,
        name: args.name,
        overwrite: flags.overwrite,
        roles: flags.role,
        sessionName: flags['session-name'],
        source: flags.source,
      },
      chainProject(project),
    )
    const listing = describeChain(args.name, definition)
    if (!this.jsonEnabled()) {
      this.log(`Added chain ${formatChain(listing).join('\n')}`)
    }

    return listing
  }
}
