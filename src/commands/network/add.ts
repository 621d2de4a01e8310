import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {type SavedNetwork} from '../../lib/config/edit-networks.js'

export default class NetworkAdd extends BaseCommand<typeof NetworkAdd> {
  static args = {name: Args.string({description: 'Profile name (lower case letters, digits, - and _)', required: true})}
  static description = `Add a network profile, or set the RPC URL of a built-in one (mainnet has none until you set it).
The chain id is read from the RPC endpoint when --chain-id is not given, and checked against it when it is.`
  static examples = [
    '<%= config.bin %> <%= command.id %> mainnet --rpc-url https://eth.example.org',
    '<%= config.bin %> <%= command.id %> staging --rpc-url http://10.0.0.5:8545 --chain-id 1337 --nec 0x… --controller 0x…',
  ]
  static flags = {
    'rpc-url': rpcFlags['rpc-url'],
    'chain-id': Flags.integer({description: 'Chain id (read from the endpoint when omitted)', min: 1}),
    controller: Flags.string({description: 'NectarController address'}),
    force: Flags.boolean({description: 'Replace an existing profile of that name'}),
    nec: Flags.string({description: 'NEC token address'}),
    'no-check': Flags.boolean({description: 'Do not contact the endpoint'}),
    use: Flags.boolean({description: 'Make it the active network'}),
  }

  public async run(): Promise<SavedNetwork> {
    const {flags} = this
    const {addNetwork} = await import('../../lib/config/edit-networks.js')
    const {readChainId} = await import('../../lib/chain/client.js')
    const saved = await addNetwork(this.configDir, {
      chainId: flags['chain-id'],
      check: !flags['no-check'],
      controller: flags.controller,
      force: flags.force,
      name: this.args.name,
      nec: flags.nec,
      rpcUrl: flags['rpc-url'],
      use: flags.use,
    }, readChainId)
    this.log(`Saved network ${saved.name} (chain id ${saved.chainId})${flags.use ? ', now active' : ''}`)
    return saved
  }
}
