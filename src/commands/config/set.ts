import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ConfigValue, setKey} from '../../lib/config/keys.js'
import {requireNetwork} from '../../lib/config/networks.js'
import {updateConfig} from '../../lib/config/store.js'

export default class ConfigSet extends BaseCommand<typeof ConfigSet> {
  static args = {
    key: Args.string({description: 'Config key', required: true}),
    value: Args.string({description: 'New value', required: true}),
  }
  static summary = 'Set a config value.'
  static description = 'Set a config value. The file is schema-checked and written atomically with mode 0600.'
  static examples = [
    '<%= config.bin %> <%= command.id %> account alice',
    '<%= config.bin %> <%= command.id %> networks.mainnet.rpcUrl https://eth.example.org',
  ]

  public async run(): Promise<ConfigValue> {
    const {key, value} = this.args
    updateConfig(this.configDir, (config) => {
      if (key === 'network') requireNetwork(config, value)
      setKey(config, key, value)
    })
    this.log(`${key} = ${value}`)
    return {key, value}
  }
}
