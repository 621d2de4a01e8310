import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../../lib/cli/flags.js'
import {renderTable} from '../../../lib/cli/render.js'
import type {ProviderOffersReport} from '../../../lib/market/provider.js'

export default class ProviderOfferList extends BaseCommand<typeof ProviderOfferList> {
  static description = 'List your offers (ASK orders): active ones, or all with --all.'
  static examples = ['<%= config.bin %> <%= command.id %> --account dev6', '<%= config.bin %> <%= command.id %> --all --json']
  static flags = {...rpcFlags, ...accountFlag,all: Flags.boolean({description: 'Include taken and cancelled offers'})}

  public async run(): Promise<ProviderOffersReport> {
    const addresses = await this.marketAddresses(['oracle'])
    const me = await this.accountAddress()
    const client = await this.client()
    const {getOracleRate} = await import('../../../lib/market/deals.js')
    const {listProviderAsks} = await import('../../../lib/market/provider.js')
    const {offerJson} = await import('../../../lib/market/offers.js')
    const {formatDealDuration, formatSize, usdPerHourText} = await import('../../../lib/market/units.js')
    const [asks, rate] = await Promise.all([listProviderAsks(client, addresses.market, me, this.flags.all), getOracleRate(client, addresses.oracle)])
    if (!this.jsonEnabled()) {
      if (asks.length === 0) this.log(`No ${this.flags.all ? '' : 'active '}offers by ${me}.`)
      else
        this.log(
          renderTable(
            ['id', 'status', 'deal', 'cores', 'ram', 'gpu', 'USD/h', 'duration'],
            asks.map((o) => [o.id.toString(), o.status, o.dealId > 0n ? o.dealId.toString() : '-', o.benchmarks.cpuCores.toString(), formatSize(o.benchmarks.ramSize), o.benchmarks.gpuCount.toString(), usdPerHourText(o.price), formatDealDuration(o.duration)]),
            ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
          ),
        )
    }
    return {offers: asks.map((o) => ({...offerJson(o, rate), dealId: o.dealId.toString(), status: o.status})), provider: me}
  }
}
