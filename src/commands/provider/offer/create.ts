import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import {renderKeyValues} from '../../../lib/cli/render.js'

export default class ProviderOfferCreate extends BaseCommand<typeof ProviderOfferCreate> {
  static description = 'Place an ASK order from a plan file (resources in human units, price, duration, netflags, counterparty), checked against schemas/ask-plan.schema.json; errors name the field and the line.'
  static examples = ['<%= config.bin %> <%= command.id %> --plan ask.yaml', '<%= config.bin %> <%= command.id %> --plan ask.yaml --dry-run --json']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    'dry-run': Flags.boolean({description: 'Print the encoded PlaceOrder arguments and send nothing'}),
    plan: Flags.string({description: 'Ask plan file (YAML)', required: true}),
  }

  public async run() {
    const {loadPlan} = await import('../../../lib/market/plan.js')
    loadPlan(this.flags.plan, 1n) // fail on a bad file before touching the chain
    const {marketAddresses} = await import('../../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const {getOracleRate, orderPlacedId} = await import('../../../lib/market/deals.js')
    const rate = await getOracleRate(client, addresses.oracle)
    const params = loadPlan(this.flags.plan, rate)
    const {BENCHMARK_NAMES} = await import('../../../lib/market/benchmarks.js')
    const {formatDealDuration, snmPerHourText, usdPerHourText} = await import('../../../lib/market/units.js')
    const args = [2, params.counterparty, params.duration, params.price, params.netflags, params.identityLevel, params.blacklist, params.tag, params.benchmarks] as const
    const shown = {
      benchmarks: Object.fromEntries(BENCHMARK_NAMES.map((n, i) => [n, params.benchmarks[i].toString()])),
      counterparty: params.counterparty,
      duration: params.duration.toString(),
      netflags: params.netflags,
      price: params.price.toString(),
      snmPerHour: snmPerHourText(params.price, rate),
      usdPerHour: usdPerHourText(params.price),
    }
    if (this.flags['dry-run']) {
      if (!this.jsonEnabled()) this.log(renderKeyValues([['call', 'PlaceOrder(ORDER_ASK, …)'], ...Object.entries(shown).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string])]))
      return {dryRun: true, order: shown}
    }
    const account = await this.signer()
    const {transact} = await import('../../../lib/chain/transact.js')
    const {marketAbi} = await import('../../../lib/contracts/generated/Market.js')
    const result = await transact(client, `Place an ASK at ${usdPerHourText(params.price)} USD/h, ${formatDealDuration(params.duration)}`, {abi: marketAbi, address: addresses.market, args, functionName: 'PlaceOrder'}, {
      account,
      confirm: (p) => this.confirmTransaction(p),
      onSent: (hash) => this.note(`Sent ${hash}…`),
    })
    const id = orderPlacedId(result.receipt)
    this.log(`Placed offer ${id} in ${result.hash}.`)
    return {askId: id?.toString() ?? null, order: shown, txHash: result.hash}
  }
}
