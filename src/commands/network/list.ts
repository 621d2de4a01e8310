import {BaseCommand} from '../../lib/cli/base-command.js'
import {listFlags, rpcFlags} from '../../lib/cli/flags.js'
import {color, renderList} from '../../lib/cli/render.js'
import {type NetworkListing, networkListing} from '../../lib/config/networks.js'

export default class NetworkList extends BaseCommand<typeof NetworkList> {
  static summary = 'List network profiles.'
  static description = 'List network profiles; the active one is marked.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags, ...listFlags}

  public async run(): Promise<NetworkListing> {
    const listing = networkListing(this.loadConfig(), this.settings().network.name)
    // The market column: its address, else where it is read at run time (SONM's address registry).
    const market = (c: NetworkListing['networks'][number]['contracts']) => c.market ?? (c.sonmRegistry ? color.dim(`registry ${c.sonmRegistry}`) : color.dim('-'))
    this.log(renderList(
      [{header: '', key: 'active', priority: 9}, {header: 'name', priority: 10}, {align: 'right', header: 'chain id', priority: 6}, {header: 'rpc url', priority: 8, wrap: true}, {header: 'nec', priority: 5}, {header: 'market', priority: 4, wrap: true}],
      listing.networks.map((n) => [n.active ? color.green('*') : '', n.name, n.chainId, n.rpcUrl ?? color.dim('(not set)'), n.contracts.nec ?? color.dim('-'), market(n.contracts)]),
      this.flags,
    ))
    return listing
  }
}
