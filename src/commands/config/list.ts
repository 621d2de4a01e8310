import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags} from '../../lib/cli/flags.js'
import {type ConfigListing, configListing} from '../../lib/config/keys.js'
import {renderList} from '../../lib/cli/render.js'

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static summary = 'List the config and where each setting comes from.'
  static description = 'List every value set in the config file, and where the effective network, RPC URL and account come from.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags, ...accountFlag, ...listFlags}

  public async run(): Promise<ConfigListing> {
    const listing = configListing(this.loadConfig(), this.settings())
    const values = Object.entries(listing.values)
    const columns = [{header: 'key', priority: 2}, {header: 'value', priority: 1, wrap: true}]
    const rows = values.map(([k, v]) => [k, String(v)])
    // --csv is the file's values alone; the table adds where the effective settings come from.
    if (this.flags.csv) this.log(renderList(columns, rows, this.flags))
    else {
      this.log(values.length > 0 ? renderList(columns, rows, this.flags) : 'The config file sets nothing.')
      this.log('')
      // People are told which variable or profile the RPC URL came from; --json keeps the source kind.
      const from = (key: string, source: null | string) => (key === 'rpcUrl' ? this.settings().rpcUrlOrigin : undefined) ?? source ?? '-'
      const effective = Object.entries(listing.effective).map(([k, v]) => [k, v.value ?? '-', from(k, v.source)])
      this.log(renderList(['effective', {header: 'value', wrap: true}, 'from'], effective, {wide: this.flags.wide}))
    }
    return listing
  }
}
