import {BaseCommand} from '../../../lib/cli/base-command.js'
import {listFlags, rpcFlags} from '../../../lib/cli/flags.js'
import {type AdminListing} from '../../../lib/nectar/whitelist.js'

export default class WhitelistAdminsList extends BaseCommand<typeof WhitelistAdminsList> {
  static summary = 'List the whitelist admins.'
  static description = `List the whitelist admins, rebuilt from the controller's AdminAdded/AdminRemoved events and checked against
isAdmin. The mainnet controller emits no admin events, so there the list cannot be read.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags, ...listFlags}

  public async run(): Promise<AdminListing> {
    const controller = await this.tokenController()
    const client = await this.client()
    const {listAdmins} = await import('../../../lib/nectar/whitelist.js')
    const listing = await listAdmins(client, {contract: controller, hint: 'Ask about one address with `nectar whitelist status --account ADDRESS` (it calls isAdmin).', name: 'controller'})
    if (!this.jsonEnabled()) {
      const {addressesView} = await import('../../../lib/cli/nectar-views.js')
      this.log(addressesView(listing.admins, this.flags, listing.owner))
    }
    this.note(`${listing.count} admin${listing.count === 1 ? '' : 's'} as of block ${listing.block}`)
    return listing
  }
}
