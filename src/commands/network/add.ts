import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {type ReadRegistry, type SavedNetwork} from '../../lib/config/edit-networks.js'

export default class NetworkAdd extends BaseCommand<typeof NetworkAdd> {
  static args = {name: Args.string({description: 'Profile name (lower case letters, digits, - and _)', required: true})}
  static summary = 'Add a network profile, or set a built-in one’s RPC URL.'
  static description = `Add a network profile, or set the RPC URL of a built-in one (mainnet and sonm have none until you set it).
The chain id is read from the RPC endpoint when --chain-id is not given, and checked against it when it is.
With --sonm-registry, the market's addresses (market, snm, oracle, blacklist, profile registry) are read from SONM's address registry and saved; --market, --snm, --oracle, --blacklist and --profile-registry override it one by one.`
  static examples = [
    '<%= config.bin %> <%= command.id %> mainnet --rpc-url https://eth.example.org',
    '<%= config.bin %> <%= command.id %> sonm --rpc-url https://sidechain.example.org',
    '<%= config.bin %> <%= command.id %> sonm-mirror --rpc-url http://10.0.0.9:8545 --sonm-registry 0xd1a6f3d1ae33b4b19565a6b283d7a05c5a0decb0',
    '<%= config.bin %> <%= command.id %> staging --rpc-url http://10.0.0.5:8545 --chain-id 1337 --nec 0x… --controller 0x…',
  ]
  static flags = {
    'rpc-url': rpcFlags['rpc-url'],
    blacklist: Flags.string({description: 'SONM Blacklist address (overrides the registry)'}),
    'chain-id': Flags.integer({description: 'Chain id (read from the endpoint when omitted)', min: 1}),
    controller: Flags.string({description: 'NectarController address'}),
    force: Flags.boolean({description: 'Replace an existing profile of that name'}),
    market: Flags.string({description: 'Market address (overrides the registry)'}),
    nec: Flags.string({description: 'NEC token address'}),
    'no-check': Flags.boolean({description: 'Do not contact the endpoint (a --sonm-registry is saved unread, and read when a command needs it)'}),
    oracle: Flags.string({description: 'OracleUSD address (overrides the registry)'}),
    'profile-registry': Flags.string({description: 'ProfileRegistry address (overrides the registry)'}),
    snm: Flags.string({description: 'SNM token address (overrides the registry)'}),
    'sonm-registry': Flags.string({description: 'SONM address registry (AddressHashMap): read the market addresses from it'}),
    use: Flags.boolean({description: 'Make it the active network'}),
  }

  public async run(): Promise<SavedNetwork> {
    const {flags} = this
    const [{addNetwork}, {createChainClient, readChainId}, {readAddressRegistry}] = await Promise.all([
      import('../../lib/config/edit-networks.js'),
      import('../../lib/chain/client.js'),
      import('../../lib/market/address-registry.js'),
    ])
    const readRegistry: ReadRegistry = (rpcUrl, chainId, registry, names) => readAddressRegistry(createChainClient(rpcUrl, chainId, this.args.name), registry, names)
    const saved = await addNetwork(this.configDir, {
      blacklist: flags.blacklist,
      chainId: flags['chain-id'],
      check: !flags['no-check'],
      controller: flags.controller,
      force: flags.force,
      market: flags.market,
      name: this.args.name,
      nec: flags.nec,
      oracle: flags.oracle,
      profileRegistry: flags['profile-registry'],
      rpcUrl: flags['rpc-url'],
      snm: flags.snm,
      sonmRegistry: flags['sonm-registry'],
      use: flags.use,
    }, readChainId, readRegistry)
    this.log(`Saved network ${saved.name} (chain id ${saved.chainId})${flags.use ? ', now active' : ''}`)
    for (const [key, address] of Object.entries(saved.contracts ?? {})) this.log(`  ${key.padEnd(16)}${address}`)
    return saved
  }
}
