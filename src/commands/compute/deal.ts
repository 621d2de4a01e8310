import {Args} from '@oclif/core'

import {formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderKeyValues} from '../../lib/cli/render.js'

export function parseDealId(text: string): bigint {
  if (!/^\d{1,30}$/.test(text)) throw nectarError('INVALID_DEAL_ID', `The deal id ${JSON.stringify(text)} is not a number.`, {hint: 'Give an id from `nectar compute deals`.'})
  return BigInt(text)
}

export default class ComputeDeal extends BaseCommand<typeof ComputeDeal> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static description = 'Show one deal: parties, resources, price, status, time left, paid so far, escrow, what a bill now would pay, and the provider endpoint.'
  static examples = ['<%= config.bin %> <%= command.id %> 1', '<%= config.bin %> <%= command.id %> 1 --json']
  static flags = {...rpcFlags}

  public async run() {
    const id = parseDealId(this.args.deal)
    const {marketAddresses} = await import('../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const {dealJson, endpointOf, getOracleRate, requireDeal} = await import('../../lib/market/deals.js')
    const {formatDealDuration, usdPerHourText, snmPerHourText} = await import('../../lib/market/units.js')
    const {formatDuration} = await import('../../lib/core/durations.js')
    const deal = await requireDeal(client, addresses.market, id)
    const [rate, block, endpoint] = await Promise.all([getOracleRate(client, addresses.oracle), client.getBlock({blockTag: 'latest'}), endpointOf(client, addresses.registry, deal.supplier)])
    const json = {...dealJson(deal, block.timestamp, rate), endpoint: endpoint || null}
    if (!this.jsonEnabled()) {
      this.log(
        renderKeyValues([
          ['deal', json.id],
          ['status', deal.status],
          ['provider', deal.supplier],
          ['renter', deal.consumer],
          ['endpoint', endpoint || '(none published)'],
          ['price', `${usdPerHourText(deal.price)} USD/h = ${snmPerHourText(deal.price, rate)} SNM/h now`],
          ['duration', formatDealDuration(deal.duration)],
          ['time left', json.secondsLeft === null ? '-' : formatDuration(BigInt(json.secondsLeft))],
          ['paid', `${formatAmount(deal.totalPayout)} SNM`],
          ['escrow', `${formatAmount(deal.blockedBalance)} SNM`],
          ['unbilled', `${formatAmount(BigInt(json.unbilled))} SNM`],
        ]),
      )
    }
    return json
  }
}
