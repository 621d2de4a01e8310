import {Args} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import type {BillReport} from '../../lib/market/deal-payments.js'

export default class ComputeBill extends BaseCommand<typeof ComputeBill> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'Bill a deal for the time since its last bill.'
  static description = "Bill a deal: pays the deal's master (the provider, or its master when the provider is a worker) for the time since the last bill (price × seconds × oracle rate / 1e18) and reserves the next period; a renter who cannot pay has the deal closed."
  static examples = ['<%= config.bin %> <%= command.id %> 1 --account dev6', '<%= config.bin %> <%= command.id %> 1 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<BillReport> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const dealId = parseDealId(this.args.deal)
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const client = await this.client()
    const {billDeal, dealAfterPayment} = await import('../../lib/market/deal-payments.js')
    const payment = await billDeal(client, {...addresses, dealId}, await this.sendOptions())
    const {deal, json} = await dealAfterPayment(client, addresses, payment)
    this.log(`Billed deal ${dealId}: ${formatAmount(payment.paid)} SNM paid to ${deal.master}; deal is ${deal.status} (${payment.txHash}).`)
    return {deal: json, paid: payment.paid, paidTo: deal.master, txHash: payment.txHash}
  }
}
