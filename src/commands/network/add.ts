import {Args, Flags} from '@oclif/core'

import {parseAddress} from '../../lib/core/addresses.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {BUILTIN_NETWORKS} from '../../lib/config/networks.js'
import {type NetworkProfile, updateConfig} from '../../lib/config/store.js'

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

  public async run() {
    const {name} = this.args
    const {flags} = this
    if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(name)) {
      throw nectarError('INVALID_NETWORK_NAME', `${JSON.stringify(name)} is not a valid profile name.`, {hint: 'Use lower case letters, digits, - and _ (up to 32).'})
    }
    const rpcUrl = flags['rpc-url']
    if (!rpcUrl && !BUILTIN_NETWORKS[name]) throw nectarError('NO_RPC_URL', 'A new network needs --rpc-url.', {hint: `nectar network add ${name} --rpc-url URL`})
    const existing = this.loadConfig().networks?.[name]
    if (existing && !flags.force && !BUILTIN_NETWORKS[name]) {
      throw nectarError('NETWORK_EXISTS', `A network named ${name} exists already.`, {hint: 'Pass --force to replace it, or pick another name.'})
    }
    let chainId = flags['chain-id'] ?? existing?.chainId ?? BUILTIN_NETWORKS[name]?.chainId
    if (rpcUrl && !flags['no-check']) {
      const {createChainClient} = await import('../../lib/chain/client.js')
      const served = await createChainClient(rpcUrl, chainId ?? 1).getChainId()
      if (chainId !== undefined && served !== chainId) {
        throw nectarError('WRONG_CHAIN', `${rpcUrl} serves chain id ${served}, not ${chainId}.`, {hint: 'Check the URL, or pass the right --chain-id.'})
      }
      chainId = served
    }
    if (chainId === undefined) throw nectarError('NO_CHAIN_ID', 'The chain id is unknown.', {hint: 'Pass --chain-id, or drop --no-check so it is read from the endpoint.'})
    const contracts: NetworkProfile['contracts'] = {...(flags.force ? {} : existing?.contracts)}
    if (flags.nec) contracts.nec = parseAddress(flags.nec, '--nec')
    if (flags.controller) contracts.controller = parseAddress(flags.controller, '--controller')
    const profile: NetworkProfile = {...(flags.force ? {} : existing), chainId, contracts, ...(rpcUrl ? {rpcUrl} : {})}
    updateConfig(this.configDir, (config) => {
      config.networks = {...config.networks, [name]: profile}
      if (flags.use) config.network = name
    })
    this.log(`Saved network ${name} (chain id ${chainId})${flags.use ? ', now active' : ''}`)
    return {name, ...profile}
  }
}
