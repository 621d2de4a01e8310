import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {color, renderTable} from '../../lib/cli/render.js'
import {type NetworkListing, networkListing} from '../../lib/config/networks.js'

export default class NetworkList extends BaseCommand<typeof NetworkList> {
  static summary = 'List network profiles.'
  static description = 'List network profiles; the active one is marked.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags}

  public async run(): Promise<NetworkListing> {
    const listing = networkListing(this.loadConfig(), this.settings().network.name)
    // The market column: its address, else where it is read at run time (SONM's address registry).
    const market = (c: NetworkListing['networks'][number]['contracts']) => c.market ?? (c.sonmRegistry ? color.dim(`registry ${c.sonmRegistry}`) : color.dim('-'))
    this.log(renderTable(
      ['', 'name', 'chain id', 'rpc url', 'nec', 'market'],
      listing.networks.map((n) => [n.active ? color.green('*') : '', n.name, n.chainId, n.rpcUrl ?? color.dim('(not set)'), n.contracts.nec ?? color.dim('-'), market(n.contracts)]),
    ))
    return listing
  }
}
