import type {LayerContext} from '../../layers/types.js'

import {TerraceCommand} from '../../cli/base-command.js'
import {formatLayerContext} from '../../layers/format-context.js'

export default class LayerInfo extends TerraceCommand {
  static override description = `Show what terrace finds from the current folder: project root, account and id, layer, region, role, the AWS profiles the layer's code names (each mapped to account and role), var files and backend config.

With --json, prints one object with the fields root, project, account, accountDir, accountId, layer, location, disabled, region, role, backendProfile, profiles, varFiles, backendConfig and warnings; unknown values are null.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    'cd apps-devstg/us-east-1/k8s-eks/cluster && <%= config.bin %> <%= command.id %> --json',
  ]

  async run(): Promise<LayerContext> {
    await this.parse(LayerInfo)
    const context = await this.invocation().context()
    if (!this.jsonEnabled()) this.log(formatLayerContext(context))
    return context
  }
}
