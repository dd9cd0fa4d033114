import {Flags} from '@oclif/core'

/** The flags every `terrace session add …` takes. --name is checked by the service (exit 2 naming it). */
export const sessionAddFlags = {
  name: Flags.string({description: 'the session name users type (1 to 64 letters, digits, ".", "_", "-"); unique'}),
  profile: Flags.string({description: 'the named AWS profile the session is served under (default: default)'}),
  region: Flags.string({description: "the session's AWS region (default: the workspace default region)"}),
}
