import {TerraceCommand} from '../cli/base-command.js'

export default class Version extends TerraceCommand {
  static override description = "Show terrace's version, with the platform and Node.js version (also -v, --version)."
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> -v']

  async run(): Promise<void> {
    await this.parse(Version)
    this.log(this.config.userAgent)
  }
}
