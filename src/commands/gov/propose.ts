import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {type ProposeResult} from '../../lib/nectar/governance-write.js'

export default class GovPropose extends BaseCommand<typeof GovPropose> {
  static summary = 'Submit a governance proposal.'
  static description = `Submit a governance proposal (NEC holders). The hash of the text file's bytes goes on chain; the text and title
are kept in the data dir. Voting runs --duration (7 to 45 days) from when an admin approves it.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --title "List token X" --text-file proposal.md --duration 14d',
    '<%= config.bin %> <%= command.id %> --title "Fee discount" --text-file fees.md --duration 30d --account dev1 --yes --json',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    duration: Flags.string({description: 'How long voting runs once approved: 7 to 45 whole days (14d, 2w, or a number of days).', required: true}),
    'text-file': Flags.string({description: 'The proposal text; its keccak256 goes on chain.', required: true}),
    title: Flags.string({description: 'A one-line title (kept with the text in the data dir).', required: true}),
  }

  public async run(): Promise<ProposeResult> {
    const [{checkTitle, readProposalText, saveProposalText}, {parseProposalDays, propose}] = await Promise.all([
      import('../../lib/nectar/governance-text.js'),
      import('../../lib/nectar/governance-write.js'),
    ])
    const days = parseProposalDays(this.flags.duration)
    const title = checkTitle(this.flags.title)
    const text = readProposalText(this.flags['text-file'])
    const manager = requireContract(this.settings(), 'proposalManager')
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const keep = () => saveProposalText(this.dataDir, {text, title})
    const result = await propose(client, {days, keep, manager, nec, text, title}, await this.sendOptions())
    this.log(`Proposal ${result.id} "${title}" submitted in ${result.txHash} (block ${result.block}); an admin approves it to open voting.`)
    this.note(`Text hash ${result.storageHash}; the text is kept in ${result.textFile}.`)
    return result
  }
}
