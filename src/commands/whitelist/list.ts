import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {listFlags, rpcFlags} from '../../lib/cli/flags.js'
import {parseBlockNumber} from '../../lib/core/numbers.js'
import {requireContract} from '../../lib/config/settings.js'
import {type WhitelistListing} from '../../lib/nectar/whitelist-sets.js'

export default class WhitelistList extends BaseCommand<typeof WhitelistList> {
  static summary = 'List the registered addresses.'
  static description = `List the registered addresses of NEC's controller, rebuilt from its Registered/Deregistered events (read in
pages of block ranges). The mainnet controller emits no whitelist events: there every address in NEC's Transfer
history is checked on the controller instead (an address registered but never touched by NEC is not found that way).`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --from-block 19000000 --json']
  static flags = {
    ...rpcFlags,
    ...listFlags,
    'from-block': Flags.string({description: 'First block to read events from (default 0)'}),
    'page-size': Flags.integer({default: 50_000, description: 'Blocks per eth_getLogs request', min: 1}),
  }

  public async run(): Promise<WhitelistListing> {
    const from = this.flags['from-block']
    const fromBlock = from === undefined ? 0n : parseBlockNumber(from, '--from-block')
    const nec = requireContract(this.settings(), 'nec')
    const controller = await this.tokenController()
    const client = await this.client()
    const {listWhitelist} = await import('../../lib/nectar/whitelist-sets.js')
    const listing = await listWhitelist(client, {controller, fromBlock, nec, pageSize: BigInt(this.flags['page-size'])})
    if (!this.jsonEnabled()) {
      const {addressesView} = await import('../../lib/cli/nectar-views.js')
      if (listing.count > 0 || this.flags.csv) this.log(addressesView(listing.addresses, this.flags))
    }
    const how = listing.source === 'events' ? 'from the controller’s events' : 'from NEC’s Transfer history, each checked on the controller'
    this.note(`${listing.count} registered address${listing.count === 1 ? '' : 'es'} as of block ${listing.block} (${how})`)
    return listing
  }
}
