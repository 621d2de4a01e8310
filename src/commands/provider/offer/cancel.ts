import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import type {CancelledOrder} from '../../../lib/market/cancel-order.js'

export default class ProviderOfferCancel extends BaseCommand<typeof ProviderOfferCancel> {
  static args = {id: Args.string({description: 'Offer (ASK order) id', required: true})}
  static summary = 'Cancel one of your active offers.'
  static description = 'Cancel one of your active offers (CancelOrder).'
  static examples = ['<%= config.bin %> <%= command.id %> 4 --account dev6', '<%= config.bin %> <%= command.id %> 4 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<CancelledOrder> {
    const {parseOrderId} = await import('../../../lib/market/ids.js')
    const orderId = parseOrderId(this.args.id, 'Give an id from `nectar provider offer list`.')
    const addresses = await this.marketAddresses([])
    const client = await this.client()
    const {cancelOrder} = await import('../../../lib/market/cancel-order.js')
    const cancelled = await cancelOrder(client, {market: addresses.market, orderId}, await this.sendOptions())
    this.log(`Cancelled order ${orderId} in ${cancelled.txHash}.`)
    return cancelled
  }
}
