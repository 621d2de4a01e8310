import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {type ConfigListing, configListing} from '../../lib/config/keys.js'
import {renderTable} from '../../lib/cli/render.js'

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static summary = 'List the config and where each setting comes from.'
  static description = 'List every value set in the config file, and where the effective network, RPC URL and account come from.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags, ...accountFlag}

  public async run(): Promise<ConfigListing> {
    const listing = configListing(this.loadConfig(), this.settings())
    const values = Object.entries(listing.values)
    if (values.length > 0) this.log(renderTable(['key', 'value'], values.map(([k, v]) => [k, String(v)])))
    else this.log('The config file sets nothing.')
    this.log('')
    // People are told which variable or profile the RPC URL came from; --json keeps the source kind.
    const from = (key: string, source: null | string) => (key === 'rpcUrl' ? this.settings().rpcUrlOrigin : undefined) ?? source ?? '-'
    this.log(renderTable(['effective', 'value', 'from'], Object.entries(listing.effective).map(([k, v]) => [k, v.value ?? '-', from(k, v.source)])))
    return listing
  }
}
