import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import {nectarError} from '../../../lib/core/errors.js'

export default class ProviderOfferCancel extends BaseCommand<typeof ProviderOfferCancel> {
  static args = {id: Args.string({description: 'Offer (ASK order) id', required: true})}
  static description = 'Cancel one of your active offers (CancelOrder).'
  static examples = ['<%= config.bin %> <%= command.id %> 4 --account dev6', '<%= config.bin %> <%= command.id %> 4 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run() {
    if (!/^\d{1,30}$/.test(this.args.id)) throw nectarError('INVALID_ORDER_ID', `The offer id ${JSON.stringify(this.args.id)} is not a number.`, {hint: 'Give an id from `nectar provider offer list`.'})
    const id = BigInt(this.args.id)
    const {marketAddresses} = await import('../../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const account = await this.signer()
    const {requireOrder} = await import('../../../lib/market/orders.js')
    const order = await requireOrder(client, addresses.market, id)
    if (order.author.toLowerCase() !== account.address.toLowerCase()) throw nectarError('NOT_YOUR_ORDER', `Order ${id} belongs to ${order.author}, not ${account.address}.`, {hint: 'Cancel with the account that placed it (--account).'})
    if (order.status !== 'active') throw nectarError('ORDER_INACTIVE', `Order ${id} is no longer active${order.dealId > 0n ? ` (deal ${order.dealId})` : ''}.`, {hint: '`nectar provider offer list` shows your active offers.'})
    const {transact} = await import('../../../lib/chain/transact.js')
    const {marketAbi} = await import('../../../lib/contracts/generated/Market.js')
    const result = await transact(client, `Cancel order ${id}`, {abi: marketAbi, address: addresses.market, args: [id], functionName: 'CancelOrder'}, {
      account,
      confirm: (p) => this.confirmTransaction(p),
      onSent: (hash) => this.note(`Sent ${hash}…`),
    })
    this.log(`Cancelled order ${id} in ${result.hash}.`)
    return {id: id.toString(), txHash: result.hash}
  }
}
