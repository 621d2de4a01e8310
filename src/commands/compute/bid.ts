import {Flags} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import type {BidReport} from '../../lib/market/place-order.js'

export default class ComputeBid extends BaseCommand<typeof ComputeBid> {
  static description = 'Place a BID order from a spec file (same format as an ask plan: the resources are minimums). It locks SNM (1 hour for spot, the duration up to 1 day otherwise, approved exactly); any matching ask can then fill it with OpenDeal(ask, bid).'
  static examples = ['<%= config.bin %> <%= command.id %> --spec bid.yaml', '<%= config.bin %> <%= command.id %> --spec bid.yaml --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags,spec: Flags.string({description: 'Bid spec file (YAML; schema: schemas/ask-plan.schema.json)', required: true})}

  public async run(): Promise<BidReport> {
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const {loadPlan} = await import('../../lib/market/plan.js')
    loadPlan(this.flags.spec, 1n) // fail on a bad file before touching the chain
    const client = await this.client()
    const {placeBid, readOrderPlan} = await import('../../lib/market/place-order.js')
    const {order, rate} = await readOrderPlan(client, addresses.oracle, this.flags.spec)
    const bid = await placeBid(client, {addresses, order, rate}, await this.sendOptions())
    this.log(`Placed BID ${bid.orderId} (${formatAmount(bid.lock)} SNM locked) in ${bid.txHash}.`)
    return {bidId: bid.orderId ?? null, lock: bid.lock, price: order.price, txHash: bid.txHash}
  }
}
