import {Args} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {parseDealId} from './deal.js'

export default class ComputeBill extends BaseCommand<typeof ComputeBill> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static description = 'Bill a deal: pays the provider for the time since the last bill (price × seconds × oracle rate / 1e18) and reserves the next period; a renter who cannot pay has the deal closed.'
  static examples = ['<%= config.bin %> <%= command.id %> 1 --account dev6', '<%= config.bin %> <%= command.id %> 1 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run() {
    const id = parseDealId(this.args.deal)
    const {marketAddresses} = await import('../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const account = await this.signer()
    const {checkBill, dealAfterPayment} = await import('../../lib/market/deals.js')
    await checkBill(client, addresses.market, id, account.address)
    const {transact} = await import('../../lib/chain/transact.js')
    const {marketAbi} = await import('../../lib/contracts/generated/Market.js')
    const result = await transact(client, `Bill deal ${id}`, {abi: marketAbi, address: addresses.market, args: [id], functionName: 'Bill'}, {
      account,
      confirm: (p) => this.confirmTransaction(p),
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
    })
    const {deal, json, paid} = await dealAfterPayment(client, addresses, id, result.receipt)
    this.log(`Billed deal ${id}: ${formatAmount(paid)} SNM paid to ${deal.master}; deal is ${deal.status} (${result.hash}).`)
    return {deal: json, paid: paid.toString(), txHash: result.hash}
  }
}
