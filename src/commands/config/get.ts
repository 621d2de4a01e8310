import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ConfigValue, getKey} from '../../lib/config/keys.js'

export default class ConfigGet extends BaseCommand<typeof ConfigGet> {
  static args = {key: Args.string({description: 'Config key, e.g. network or networks.mainnet.rpcUrl', required: true})}
  static summary = 'Print one config value.'
  static description = 'Print one config value (nothing is printed when it is unset).'
  static examples = ['<%= config.bin %> <%= command.id %> network', '<%= config.bin %> <%= command.id %> networks.mainnet.rpcUrl --json']

  public async run(): Promise<ConfigValue> {
    const value = getKey(this.loadConfig(), this.args.key)
    if (value !== undefined) this.log(typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value))
    return {key: this.args.key, value: value ?? null}
  }
}
