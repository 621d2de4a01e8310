import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {type DecisionResult} from '../../lib/nectar/governance-write.js'

export default class GovApprove extends BaseCommand<typeof GovApprove> {
  static args = {id: Args.string({description: 'Proposal id', required: true})}
  static summary = 'Approve a pending proposal and open its vote (admins).'
  static description = `Approve a pending proposal (governance admins): voting opens now, and the NEC balances at this block are the weights (a MiniMe clone of NEC is made as the snapshot). Refuses, sending nothing, a non-admin or a proposal already decided.`
  static examples = ['<%= config.bin %> <%= command.id %> 3', '<%= config.bin %> <%= command.id %> 3 --account dev0 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<DecisionResult> {
    const [{parseProposalId}, {decideProposal}] = await Promise.all([import('../../lib/nectar/governance.js'), import('../../lib/nectar/governance-write.js')])
    const id = parseProposalId(this.args.id)
    const manager = requireContract(this.settings(), 'proposalManager')
    const client = await this.client()
    const result = await decideProposal(client, {approve: true, id, manager}, await this.sendOptions())
    this.log(result.decision === 'approved'
      ? `Proposal ${id} approved in ${result.txHash}: voting is open; weights are NEC held at block ${result.snapshotBlock}.`
      : `Proposal ${id} denied in ${result.txHash}.`)
    return result
  }
}
