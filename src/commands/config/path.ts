import {BaseCommand} from '../../lib/cli/base-command.js'
import {configFilePath, type ConfigPaths} from '../../lib/config/store.js'

export default class ConfigPath extends BaseCommand<typeof ConfigPath> {
  static summary = 'Print where the config file and the data dir live.'
  static description = 'Print where the config file and the data dir live (NECTAR_CONFIG_DIR and NECTAR_DATA_DIR move them).'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<ConfigPaths> {
    const result = {configDir: this.configDir, configFile: configFilePath(this.configDir), dataDir: this.dataDir}
    this.log(`config file  ${result.configFile}\ndata dir     ${result.dataDir}`)
    return result
  }
}
