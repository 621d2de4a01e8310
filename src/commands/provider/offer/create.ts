import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import {renderKeyValues} from '../../../lib/cli/render.js'
import type {OfferCreateReport} from '../../../lib/market/place-order.js'

export default class ProviderOfferCreate extends BaseCommand<typeof ProviderOfferCreate> {
  static summary = 'Place ASK orders from a plan file.'
  static description = 'Place an ASK order from a plan file (resources in human units, price, duration, netflags, counterparty), checked against schemas/ask-plan.schema.json; errors name the field and the line.'
  static examples = ['<%= config.bin %> <%= command.id %> --plan ask.yaml', '<%= config.bin %> <%= command.id %> --plan ask.yaml --dry-run --json']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    'dry-run': Flags.boolean({description: 'Print the encoded PlaceOrder arguments and send nothing'}),
    plan: Flags.string({description: 'Ask plan file (YAML)', required: true}),
  }

  public async run(): Promise<OfferCreateReport> {
    const {loadPlan} = await import('../../../lib/market/plan.js')
    loadPlan(this.flags.plan, 1n) // fail on a bad file before touching the chain
    const addresses = await this.marketAddresses(['oracle'])
    const client = await this.client()
    const {askSummary, placeAsk, readOrderPlan} = await import('../../../lib/market/place-order.js')
    const {order, rate} = await readOrderPlan(client, addresses.oracle, this.flags.plan)
    const shown = askSummary(order, rate)
    if (this.flags['dry-run']) {
      if (!this.jsonEnabled()) this.log(renderKeyValues([['call', 'PlaceOrder(ORDER_ASK, …)'], ...Object.entries(shown).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string])]))
      return {dryRun: true, order: shown}
    }
    const placed = await placeAsk(client, {market: addresses.market, order}, await this.sendOptions())
    this.log(`Placed offer ${placed.orderId} in ${placed.txHash}.`)
    return {askId: placed.orderId ?? null, order: shown, txHash: placed.txHash}
  }
}
