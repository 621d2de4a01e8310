import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import {renderKeyValues} from '../../../lib/cli/render.js'
import type {OfferCreateReport} from '../../../lib/market/place-order.js'

export default class ProviderOfferCreate extends BaseCommand<typeof ProviderOfferCreate> {
  static summary = 'Place ASK orders from a plan file.'
  static description = 'Place an ASK order from a plan file (resources in human units, price, duration, netflags, counterparty), checked against schemas/ask-plan.schema.json; errors name the field and the line. A plan that offers more GPUs than this machine has (nvidia-smi, the CDI specs in /etc/cdi and /var/run/cdi; `provider doctor` lists them) is refused. At a terminal, without --plan, it builds the plan by questions and can save it as a plan file for next time.'
  static examples = ['<%= config.bin %> <%= command.id %> --plan ask.yaml', '<%= config.bin %> <%= command.id %> --plan ask.yaml --dry-run --json']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    'dry-run': Flags.boolean({description: 'Print the encoded PlaceOrder arguments and send nothing'}),
    // Not required by oclif: at a terminal the plan is asked for (refuseAsUsage keeps oclif's error elsewhere).
    plan: Flags.string({description: 'Ask plan file (YAML). Required, except at a terminal, which asks'}),
  }

  public async run(): Promise<OfferCreateReport> {
    let plan: string | {name: string; text: string}
    if (this.flags.plan === undefined) {
      if (!this.canAsk()) await this.refuseAsUsage({flags: ['plan']})
      const {askPlan, savePlan} = await import('../../../lib/cli/guided/ask-plan.js')
      const ask = await this.asker()
      const {text} = await askPlan(ask)
      this.logToStderr(text.trimEnd())
      const saved = await savePlan(ask, text)
      if (saved) await this.showEquivalent(['--plan', saved])
      plan = saved ?? {name: 'the plan', text}
    } else {
      plan = this.flags.plan
    }
    const {loadPlan, parsePlan} = await import('../../../lib/market/plan.js')
    // A bad file, or more GPUs than this machine has, fails before the chain is touched.
    const checked = typeof plan === 'string' ? loadPlan(plan, 1n) : parsePlan(plan.text, plan.name, 1n)
    const {checkPlanGpus, findGpus, planOffersGpus} = await import('../../../lib/provider/gpus.js')
    if (planOffersGpus([checked])) checkPlanGpus([checked], findGpus().gpus.length, typeof plan === 'string' ? plan : plan.name)
    const addresses = await this.marketAddresses(['oracle'])
    const client = await this.client()
    const {askSummary, placeAsk, readOrderPlan} = await import('../../../lib/market/place-order.js')
    const {order, rate} = await readOrderPlan(client, addresses.oracle, plan)
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
