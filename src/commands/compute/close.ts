import {Args, Flags} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import type {CloseReport} from '../../lib/market/deal-payments.js'

export default class ComputeClose extends BaseCommand<typeof ComputeClose> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'Close a deal, pay the time used and refund the escrow.'
  static description = 'Close a deal: bills the time used, closes it and refunds the rest of the escrow to the renter. Before a forward deal ends only the renter may close; only the renter may blacklist the provider. When the renter\'s SNM allowance cannot pay the time used, the renter\'s close first raises it by exactly the shortfall (both steps shown before the first confirmation), so a renter can always close.'
  static examples = ['<%= config.bin %> <%= command.id %> 1', '<%= config.bin %> <%= command.id %> 1 --blacklist --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags,blacklist: Flags.boolean({description: 'Blacklist the provider (renter only): it can no longer take your orders'})}

  public async run(): Promise<CloseReport> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const dealId = parseDealId(this.args.deal)
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const client = await this.client()
    const {closeDeal, dealAfterPayment} = await import('../../lib/market/deal-payments.js')
    const onPlan = (lines: Array<[string, string]>) => this.jsonEnabled() || this.logToStderr(renderKeyValues(lines))
    const closed = await closeDeal(client, {...addresses, blacklist: this.flags.blacklist, dealId, onPlan}, await this.sendOptions())
    const {deal, json} = await dealAfterPayment(client, addresses, closed)
    this.log(`Closed deal ${dealId}: ${formatAmount(closed.paid)} SNM paid to ${deal.master} for the last period, ${formatAmount(deal.totalPayout)} SNM in all (${closed.txHash}).`)
    return {approvalTx: closed.approvalTx, blacklisted: closed.blacklisted, deal: json, paid: closed.paid, paidTo: deal.master, txHash: closed.txHash}
  }
}
