import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type NamedProfile, requireNetwork} from '../../lib/config/networks.js'

export default class NetworkShow extends BaseCommand<typeof NetworkShow> {
  static args = {name: Args.string({description: 'Profile name (default: the active network)'})}
  static summary = 'Show one network profile.'
  static description = 'Show one network profile.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> mainnet --json']
  static flags = {...rpcFlags}

  public async run(): Promise<NamedProfile> {
    const profile = this.args.name ? requireNetwork(this.loadConfig(), this.args.name) : this.settings().network
    this.log(renderKeyValues([
      ['name', profile.name],
      ['chain id', profile.chainId],
      ['rpc url', profile.rpcUrl ?? '(not set)'],
      ...Object.entries(profile.contracts ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
    ]))
    return profile
  }
}
