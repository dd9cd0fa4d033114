import {Args} from '@oclif/core'

import {TerraceCommand} from '../../cli/base-command.js'
import {defaultRegion} from '../../workspace/session-service.js'
import {workspaceStore} from '../../workspace/store.js'

export default class SessionDefaultRegion extends TerraceCommand {
  static override args = {
    region: Args.string({description: 'the new default region (without it: show the current one)'}),
  }
  static override description = `Show or set the workspace default region, used by every session without its own region.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> session default-region',
    '<%= config.bin %> session default-region eu-west-1',
  ]

  async run(): Promise<{defaultRegion: null | string}> {
    const {args} = await this.parse(SessionDefaultRegion)
    const region = await defaultRegion(workspaceStore(), args.region)
    if (!this.jsonEnabled())
      this.log(region ?? 'No default region (set one with `terrace session default-region <region>`).')
    return {defaultRegion: region}
  }
}
