import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ActiveNetwork, useNetwork} from '../../lib/config/edit-networks.js'

export default class NetworkUse extends BaseCommand<typeof NetworkUse> {
  static args = {name: Args.string({description: 'Profile name', required: true})}
  static summary = 'Make a network profile the active one.'
  static description = 'Make a network profile the active one.'
  static examples = ['<%= config.bin %> <%= command.id %> mainnet']

  public async run(): Promise<ActiveNetwork> {
    const result = useNetwork(this.configDir, this.args.name)
    this.log(`Active network: ${result.network}`)
    return result
  }
}
