import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {type ProposalListing} from '../../lib/nectar/governance.js'

export default class GovList extends BaseCommand<typeof GovList> {
  static summary = 'List governance proposals with their tallies.'
  static description = `List governance proposals, newest first: state, snapshot block, yes and no in NEC and as a share of the supply
at the snapshot, turnout, time left, and the active account's weight (its NEC at the snapshot block) and whether it voted.
Read in batches (one call per 250 proposals).`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --active --account dev1', '<%= config.bin %> <%= command.id %> --json']
  static flags = {
    ...rpcFlags,
    ...accountFlag,
    ...listFlags,
    active: Flags.boolean({description: 'Only proposals open for voting now.'}),
  }

  public async run(): Promise<ProposalListing> {
    const manager = requireContract(this.settings(), 'proposalManager')
    const voter = await this.accountAddress().catch(() => undefined)
    const client = await this.client()
    const [{listProposals}, {storedTitles}] = await Promise.all([import('../../lib/nectar/governance.js'), import('../../lib/nectar/governance-text.js')])
    const listing = await listProposals(client, {active: this.flags.active, manager, titles: storedTitles(this.dataDir), voter})
    if (!this.jsonEnabled()) {
      if (listing.count > 0 || this.flags.csv) {
        const {proposalsTable} = await import('../../lib/cli/gov-views.js')
        this.log(proposalsTable(listing, this.flags))
      }
      this.note(`${listing.count} ${this.flags.active ? 'active ' : ''}proposal${listing.count === 1 ? '' : 's'} (${listing.total} in all) at block ${listing.block}`)
    }
    return listing
  }
}
