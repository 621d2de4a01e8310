import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {nectarError} from '../../lib/core/errors.js'
import {BUILTIN_NETWORKS} from '../../lib/config/networks.js'
import {updateConfig} from '../../lib/config/store.js'

export default class NetworkRemove extends BaseCommand<typeof NetworkRemove> {
  static args = {name: Args.string({description: 'Profile name', required: true})}
  static description = 'Remove a network profile you added (for a built-in one, this removes your overrides).'
  static examples = ['<%= config.bin %> <%= command.id %> sepolia']

  public async run(): Promise<{name: string; removed: boolean}> {
    const {name} = this.args
    let removed = false
    updateConfig(this.configDir, (config) => {
      if (!config.networks?.[name]) {
        throw nectarError('UNKNOWN_NETWORK', BUILTIN_NETWORKS[name] ? `${name} is built in and has no overrides to remove.` : `There is no network profile named ${JSON.stringify(name)}.`, {
          hint: 'See `nectar network list`.',
        })
      }
      delete config.networks[name]
      removed = true
      if (config.network === name && !BUILTIN_NETWORKS[name]) delete config.network
    })
    this.log(`Removed ${name}`)
    return {name, removed}
  }
}
