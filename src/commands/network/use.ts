import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {requireNetwork} from '../../lib/config/networks.js'
import {updateConfig} from '../../lib/config/store.js'

export default class NetworkUse extends BaseCommand<typeof NetworkUse> {
  static args = {name: Args.string({description: 'Profile name', required: true})}
  static description = 'Make a network profile the active one.'
  static examples = ['<%= config.bin %> <%= command.id %> mainnet']

  public async run(): Promise<{network: string}> {
    updateConfig(this.configDir, (config) => {
      requireNetwork(config, this.args.name)
      config.network = this.args.name
    })
    this.log(`Active network: ${this.args.name}`)
    return {network: this.args.name}
  }
}
