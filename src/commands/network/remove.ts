import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type RemovedNetwork, removeNetwork} from '../../lib/config/edit-networks.js'

export default class NetworkRemove extends BaseCommand<typeof NetworkRemove> {
  static args = {name: Args.string({description: 'Profile name', required: true})}
  static summary = 'Remove a network profile you added.'
  static description = 'Remove a network profile you added (for a built-in one, this removes your overrides).'
  static examples = ['<%= config.bin %> <%= command.id %> sepolia']

  public async run(): Promise<RemovedNetwork> {
    const result = removeNetwork(this.configDir, this.args.name)
    this.log(`Removed ${result.name}`)
    return result
  }
}
