import {Flags} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import type {BidReport} from '../../lib/market/place-order.js'

export default class ComputeBid extends BaseCommand<typeof ComputeBid> {
  static summary = 'Place a BID order from a spec file.'
  static description = 'Place a BID order from a spec file (same format as an ask plan: the resources are minimums). It locks SNM (1 hour for spot, the duration up to 1 day otherwise) and the deal it opens bills more later, so it first raises your SNM allowance to the Market by the deal\'s budget (bounded, never unlimited; the allowance is shared by all your deals there): a forward bid\'s whole cost at the oracle rate + --rate-margin, a spot bid\'s --budget. Any matching ask can then fill it with OpenDeal(ask, bid).'
  static examples = ['<%= config.bin %> <%= command.id %> --spec bid.yaml', '<%= config.bin %> <%= command.id %> --spec spot-bid.yaml --budget 48h --yes --json']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    budget: Flags.string({description: 'Spot bid: what the deal may draw, as hours of its price (24h, the default) or SNM (50snm); at least one hour'}),
    'rate-margin': Flags.integer({description: 'Forward bid: percent over the oracle rate its whole cost is approved at (default 10)', max: 1000, min: 0}),
    spec: Flags.string({description: 'Bid spec file (YAML; schema: schemas/ask-plan.schema.json)', required: true}),
  }

  public async run(): Promise<BidReport> {
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const {loadPlan} = await import('../../lib/market/plan.js')
    loadPlan(this.flags.spec, 1n) // fail on a bad file before touching the chain
    const client = await this.client()
    const {placeBid, readOrderPlan} = await import('../../lib/market/place-order.js')
    const {order} = await readOrderPlan(client, addresses.oracle, this.flags.spec)
    const funding = {budget: this.flags.budget, rateMargin: this.flags['rate-margin'] === undefined ? undefined : BigInt(this.flags['rate-margin'])}
    const onPlan = (lines: Array<[string, string]>) => this.jsonEnabled() || this.logToStderr(renderKeyValues(lines))
    const bid = await placeBid(client, {addresses, funding, onPlan, order}, await this.sendOptions())
    this.log(`Placed BID ${bid.orderId} (${formatAmount(bid.lock)} SNM locked, ${formatAmount(bid.funding.budget)} SNM budgeted) in ${bid.txHash}.`)
    return {approvalTx: bid.approvalTx, bidId: bid.orderId ?? null, budget: bid.funding.budget, lock: bid.lock, price: order.price, txHash: bid.txHash}
  }
}
