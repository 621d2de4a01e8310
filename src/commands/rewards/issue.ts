import path from 'node:path'

import {Flags} from '@oclif/core'

import {displayAmount, formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {confirmFlag, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderKeyValues} from '../../lib/cli/render.js'

export default class RewardsIssue extends BaseCommand<typeof RewardsIssue> {
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
    ...confirmFlag,
    allocations: Flags.string({description: 'Allocations CSV written by `rewards distribute`', required: true}),
    resume: Flags.boolean({description: 'Continue an interrupted run (the same as running the same file again)'}),
  }

  public async run() {
    const {flags} = this
    const {readAllocations} = await import('../../lib/nectar/distribute.js')
    const allocations = await readAllocations(flags.allocations)
    const {requireContract} = await import('../../lib/config/settings.js')
    const settings = this.settings()
    const controller = requireContract(settings, 'controller')
    const nec = requireContract(settings, 'nec')
    const client = await this.client()
    const account = await this.signer()
    const {checkIssuer, issueAllocations} = await import('../../lib/nectar/issue.js')
    const {liveSupply} = await checkIssuer(client, {account: account.address, controller, nec})
    if (liveSupply !== allocations.meta.supply) {
      this.warnUser(`The file was computed at supply ${displayAmount(allocations.meta.supply)} NEC; the controller's snapshot supply now is ${displayAmount(liveSupply)} NEC (the rate differs). Minting the file's amounts as written.`)
    }
    const {meta} = allocations
    let progress: ReturnType<typeof this.progress> | undefined
    const result = await issueAllocations({
      account,
      allocations,
      client,
      confirm: async (summary) => {
        if (!this.jsonEnabled()) {
          this.logToStderr(renderKeyValues([
            ['action', `Mint ${displayAmount(meta.total)} NEC to ${meta.makers} makers, pledging ${displayAmount(meta.pledged)} ETH`],
            ['controller', controller],
            ['from', account.address],
            ['transactions', `${summary.toSend} to send${summary.alreadyDone ? `, ${summary.alreadyDone} already done` : ''}${summary.pending ? `, ${summary.pending} pending from an earlier run` : ''}`],
            ['gas', summary.totalGas.toString()],
            ['journal', summary.journal],
          ]))
        }
        await this.confirmOrRefuse(`Send ${summary.toSend} transactions?`)
        progress = this.progress('Issuing', summary.toSend + summary.pending)
      },
      controller,
      journalDir: path.join(this.dataDir, 'journals'),
      nec,
      onConfirmed: () => progress?.tick(),
    })
    progress?.done()
    const {batch, verification} = result
    const data = {
      allocations: flags.allocations,
      journal: batch.journal,
      makers: meta.makers,
      minted: formatAmount(verification.mintedWei),
      mintedWei: verification.mintedWei.toString(),
      mismatches: verification.mismatches.map((m) => ({address: m.address, expectedWei: m.expectedWei.toString(), gotWei: m.gotWei.toString()})),
      pledged: formatAmount(meta.pledged),
      pledgedWei: meta.pledged.toString(),
      resumed: batch.resumed,
      sent: batch.sent,
      skippedEmptyRows: result.skipped,
      total: formatAmount(meta.total),
      totalWei: meta.total.toString(),
      transactions: batch.outcomes.length,
      verified: verification.mismatches.length === 0,
    }
    if (verification.mismatches.length > 0) {
      throw nectarError('MINT_MISMATCH', `${verification.mismatches.length} row(s) were not minted as allocated, e.g. ${verification.mismatches[0].address}: ${verification.mismatches[0].gotWei} wei instead of ${verification.mismatches[0].expectedWei}.`, {
        hint: `Compare the chain with the journal ${batch.journal} before doing anything else.`,
      })
    }
    this.log(renderKeyValues([
      ['minted', `${displayAmount(verification.mintedWei)} NEC of ${displayAmount(meta.total)} (every row checked against its transaction's mint)`],
      ['transactions', `${batch.sent} sent this run, ${batch.resumed} done earlier${result.skipped ? `, ${result.skipped} empty rows skipped` : ''}`],
      ['journal', batch.journal],
    ]))
    return data
  }
}
