import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {batchFlags, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type IssueRewardsResult} from '../../lib/nectar/issue.js'

export default class RewardsIssue extends BaseCommand<typeof RewardsIssue> {
  static summary = 'Mint a period’s allocations (owner), journaled.'
  static description = `Owner: mint a period's allocations, one proxyAccountingCreation(maker, pledgedWei, tokensWei) per row of the file
\`rewards distribute\` wrote. Refuses before sending anything if the account is not the controller's owner or the
file is malformed or does not add up to its metadata line. Every transaction is signed and journaled before it is
broadcast, so a run that is stopped or killed can be run again with the same file (or --resume): it mints every
row exactly once. At the end every maker's balance is checked against its allocation.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --allocations allocations.csv',
    '<%= config.bin %> <%= command.id %> --allocations allocations.csv --yes --json',
    '<%= config.bin %> <%= command.id %> --allocations allocations.csv --resume',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...batchFlags,
    allocations: Flags.string({description: 'Allocations CSV written by `rewards distribute`', required: true}),
    resume: Flags.boolean({description: 'Continue an interrupted run (the same as running the same file again)'}),
  }

  public async run(): Promise<IssueRewardsResult> {
    const {readAllocations} = await import('../../lib/nectar/distribute.js')
    const allocations = await readAllocations(this.flags.allocations)
    const {requireContract} = await import('../../lib/config/settings.js')
    const settings = this.settings()
    const nec = requireContract(settings, 'nec')
    const client = await this.client()
    const controller = await this.tokenController()
    const send = await this.batchSendOptions()
    const {issueRewards} = await import('../../lib/nectar/issue.js')
    const result = await issueRewards(client, {allocations, controller, journalDir: path.join(this.dataDir, 'journals'), nec}, send)
    const {issueLines} = await import('../../lib/cli/rewards-views.js')
    this.log(renderKeyValues(issueLines(result)))
    return result
  }
}
