import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {parseBlockNumber} from '../../lib/core/numbers.js'
import {requireContract} from '../../lib/config/settings.js'
import {type RegisteredListing} from '../../lib/nectar/whitelist.js'

export default class WhitelistList extends BaseCommand<typeof WhitelistList> {
  static description = `List the registered addresses, rebuilt from the controller's Registered/Deregistered events (read in pages
of block ranges). The mainnet controller emits no whitelist events, so there the list cannot be read.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --from-block 19000000 --json']
  static flags = {
    ...rpcFlags,
    'from-block': Flags.string({description: 'First block to read events from (default 0)'}),
    'page-size': Flags.integer({default: 50_000, description: 'Blocks per eth_getLogs request', min: 1}),
  }

  public async run(): Promise<RegisteredListing> {
    const from = this.flags['from-block']
    const fromBlock = from === undefined ? 0n : parseBlockNumber(from, '--from-block')
    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const {listRegistered} = await import('../../lib/nectar/whitelist.js')
    const listing = await listRegistered(client, {controller, fromBlock, pageSize: BigInt(this.flags['page-size'])})
    for (const address of listing.addresses) this.log(address)
    this.note(`${listing.count} registered address${listing.count === 1 ? '' : 'es'} as of block ${listing.block}`)
    return listing
  }
}
