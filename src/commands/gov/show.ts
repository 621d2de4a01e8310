import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {type ProposalView} from '../../lib/nectar/governance.js'

export default class GovShow extends BaseCommand<typeof GovShow> {
  static args = {id: Args.string({description: 'Proposal id', required: true})}
  static summary = 'Show one proposal, its tally and your weight.'
  static description = `Show one proposal: state, snapshot block, tally in NEC and as a share of the supply at the snapshot, turnout,
time left, and the active account's weight and whether it voted.`
  static examples = ['<%= config.bin %> <%= command.id %> 0', '<%= config.bin %> <%= command.id %> 3 --account dev2 --json']
  static flags = {...rpcFlags, ...accountFlag}

  public async run(): Promise<ProposalView & {block: number}> {
    const {parseProposalId, showProposal} = await import('../../lib/nectar/governance.js')
    const id = parseProposalId(this.args.id)
    const manager = requireContract(this.settings(), 'proposalManager')
    const voter = await this.accountAddress().catch(() => undefined)
    const client = await this.client()
    const {storedTitles} = await import('../../lib/nectar/governance-text.js')
    const view = await showProposal(client, {id, manager, titles: storedTitles(this.dataDir), voter})
    if (!this.jsonEnabled()) {
      const [{proposalLines}, {renderKeyValues}] = await Promise.all([import('../../lib/cli/gov-views.js'), import('../../lib/cli/render.js')])
      this.log(renderKeyValues(proposalLines(view)))
    }
    return view
  }
}
