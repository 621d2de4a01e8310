import {Args} from '@oclif/core'

import {displayAmount} from '../../lib/core/amounts.js'
import {nectarError} from '../../lib/core/errors.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {type VoteResult} from '../../lib/nectar/governance-write.js'

export default class GovVote extends BaseCommand<typeof GovVote> {
  static args = {
    id: Args.string({description: 'Proposal id', required: true}),
    choice: Args.string({description: 'yes or no', options: ['yes', 'no'], required: true}),
  }
  static summary = 'Vote yes or no on an active proposal.'
  static description = `Vote yes or no on an active proposal with your whole weight: the NEC you held at its snapshot block (NEC
moved since does not count). Shows the weight first; refuses, sending nothing, a zero weight, a second vote
or a proposal that is not open.`
  static examples = ['<%= config.bin %> <%= command.id %> 3 yes', '<%= config.bin %> <%= command.id %> 3 no --account dev2 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<VoteResult> {
    const [{parseProposalId}, {vote}] = await Promise.all([import('../../lib/nectar/governance.js'), import('../../lib/nectar/governance-write.js')])
    const id = parseProposalId(this.args.id)
    const choice = this.args.choice.toLowerCase()
    if (choice !== 'yes' && choice !== 'no') throw nectarError('USAGE', `Vote "yes" or "no", not ${JSON.stringify(this.args.choice)}.`, {hint: 'nectar gov vote ID yes|no'})
    const manager = requireContract(this.settings(), 'proposalManager')
    const client = await this.client()
    const onWeight = (weight: bigint, block: bigint) => this.note(`Your weight on proposal ${id}: ${displayAmount(weight)} NEC (held at snapshot block ${block}).`)
    const result = await vote(client, {id, manager, onWeight, yes: choice === 'yes'}, await this.sendOptions())
    this.log(`Voted ${choice} on proposal ${id} with ${displayAmount(result.amountWei)} NEC in ${result.txHash} (block ${result.block}); tally yes ${displayAmount(result.yesWei)}, no ${displayAmount(result.noWei)} NEC.`)
    return result
  }
}
