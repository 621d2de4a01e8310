import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {type VerifyResult} from '../../lib/nectar/governance.js'

export default class GovVerify extends BaseCommand<typeof GovVerify> {
  static args = {id: Args.string({description: 'Proposal id', required: true})}
  static summary = 'Check a proposal’s text against its hash on chain.'
  static description = `Check a copy of a proposal's text against the chain: its keccak256 must equal the proposal's hash on chain.
A different text (even one changed byte) is an error naming both hashes.`
  static examples = ['<%= config.bin %> <%= command.id %> 3 --text-file proposal.md', '<%= config.bin %> <%= command.id %> 3 --text-file copy.md --json']
  static flags = {
    ...rpcFlags,
    'text-file': Flags.string({description: 'The copy of the text to check.', required: true}),
  }

  public async run(): Promise<VerifyResult> {
    const [{parseProposalId, verifyProposalText}, {readProposalText}] = await Promise.all([import('../../lib/nectar/governance.js'), import('../../lib/nectar/governance-text.js')])
    const id = parseProposalId(this.args.id)
    const text = readProposalText(this.flags['text-file'])
    const manager = requireContract(this.settings(), 'proposalManager')
    const client = await this.client()
    const result = await verifyProposalText(client, {hash: text.hash, id, manager})
    this.log(`Verified: this is proposal ${id}'s text (hash ${result.onChain}).`)
    return result
  }
}
