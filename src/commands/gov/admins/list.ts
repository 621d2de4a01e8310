import {BaseCommand} from '../../../lib/cli/base-command.js'
import {listFlags, rpcFlags} from '../../../lib/cli/flags.js'
import {requireContract} from '../../../lib/config/settings.js'
import {type AdminListing} from '../../../lib/nectar/whitelist.js'

export default class GovAdminsList extends BaseCommand<typeof GovAdminsList> {
  static summary = 'List the governance admins.'
  static description = `List the governance admins (who approve and deny proposals), rebuilt from the ProposalManager's
AdminAdded/AdminRemoved events. Mainnet's ProposalManager emits none, so there the list cannot be read.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags, ...listFlags}

  public async run(): Promise<AdminListing> {
    const manager = requireContract(this.settings(), 'proposalManager')
    const client = await this.client()
    const {listGovAdmins} = await import('../../../lib/nectar/governance-write.js')
    const listing = await listGovAdmins(client, {manager})
    if (!this.jsonEnabled()) {
      const {addressesView} = await import('../../../lib/cli/nectar-views.js')
      this.log(addressesView(listing.admins, this.flags, listing.owner))
    }
    this.note(`${listing.count} admin${listing.count === 1 ? '' : 's'} as of block ${listing.block}`)
    return listing
  }
}
