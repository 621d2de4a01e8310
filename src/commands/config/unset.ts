import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {unsetKey, type UnsetKey} from '../../lib/config/keys.js'
import {updateConfig} from '../../lib/config/store.js'

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static args = {key: Args.string({description: 'Config key', required: true})}
  static summary = 'Remove a config value.'
  static description = 'Remove a config value, so the environment or the default applies again.'
  static examples = ['<%= config.bin %> <%= command.id %> account']

  public async run(): Promise<UnsetKey> {
    let removed = false
    updateConfig(this.configDir, (config) => {
      removed = unsetKey(config, this.args.key)
    })
    this.log(removed ? `${this.args.key} unset` : `${this.args.key} was not set`)
    return {key: this.args.key, removed}
  }
}
