import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {color, renderTable} from '../../lib/cli/render.js'
import {listNetworks} from '../../lib/config/networks.js'

export default class NetworkList extends BaseCommand<typeof NetworkList> {
  static description = 'List network profiles; the active one is marked.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags}

  public async run() {
    const active = this.settings().network.name
    const networks = listNetworks(this.loadConfig()).map((n) => ({
      active: n.name === active,
      builtin: n.builtin,
      chainId: n.chainId,
      contracts: n.contracts ?? {},
      name: n.name,
      rpcUrl: n.rpcUrl ?? null,
    }))
    this.log(renderTable(
      ['', 'name', 'chain id', 'rpc url', 'nec'],
      networks.map((n) => [n.active ? color.green('*') : '', n.name, n.chainId, n.rpcUrl ?? color.dim('(not set)'), n.contracts.nec ?? color.dim('-')]),
    ))
    return {active, networks}
  }
}
