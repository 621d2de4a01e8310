import {Args, Flags} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {parseDealId} from './deal.js'

export default class ComputeClose extends BaseCommand<typeof ComputeClose> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static description = 'Close a deal: bills the time used, closes it and refunds the rest of the escrow to the renter. Before a forward deal ends only the renter may close; only the renter may blacklist the provider.'
  static examples = ['<%= config.bin %> <%= command.id %> 1', '<%= config.bin %> <%= command.id %> 1 --blacklist --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags,blacklist: Flags.boolean({description: 'Blacklist the provider (renter only): it can no longer take your orders'})}

  public async run() {
    const id = parseDealId(this.args.deal)
    const {marketAddresses} = await import('../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const account = await this.signer()
    const {BLACKLIST, checkClose, dealAfterPayment} = await import('../../lib/market/deals.js')
    await checkClose(client, addresses.market, id, account.address, this.flags.blacklist)
    const {transact} = await import('../../lib/chain/transact.js')
    const {marketAbi} = await import('../../lib/contracts/generated/Market.js')
    const who = this.flags.blacklist ? BLACKLIST.WORKER : BLACKLIST.NOBODY
    const result = await transact(client, `Close deal ${id}${this.flags.blacklist ? ' and blacklist the provider' : ''}`, {abi: marketAbi, address: addresses.market, args: [id, who], functionName: 'CloseDeal'}, {
      account,
      confirm: (p) => this.confirmTransaction(p),
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
    })
    const {deal, json, paid} = await dealAfterPayment(client, addresses, id, result.receipt)
    this.log(`Closed deal ${id}: ${formatAmount(paid)} SNM paid for the last period, ${formatAmount(deal.totalPayout)} SNM in all (${result.hash}).`)
    return {blacklisted: this.flags.blacklist, deal: json, paid: paid.toString(), txHash: result.hash}
  }
}
