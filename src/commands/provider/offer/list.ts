import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../../lib/cli/flags.js'
import {renderTable} from '../../../lib/cli/render.js'
import type {ProviderOffersReport} from '../../../lib/market/provider.js'

export default class ProviderOfferList extends BaseCommand<typeof ProviderOfferList> {
  static summary = 'List your offers (ASK orders).'
  static description =
    "List your offers (ASK orders): active ones, or all with --all. A master's list includes its confirmed workers' offers (deals on them pay the master), marked with the worker's address; a worker's offers show the master they pay."
  static examples = ['<%= config.bin %> <%= command.id %> --account dev6', '<%= config.bin %> <%= command.id %> --all --json']
  static flags = {...rpcFlags, ...accountFlag,all: Flags.boolean({description: 'Include taken and cancelled offers'})}

  public async run(): Promise<ProviderOffersReport> {
    const addresses = await this.marketAddresses(['oracle'])
    const me = await this.accountAddress()
    const {providerOffers} = await import('../../../lib/market/provider.js')
    const {formatDealDuration, formatSize, usdPerHourText} = await import('../../../lib/market/units.js')
    const {asks, report} = await providerOffers(await this.client(), {all: this.flags.all, market: addresses.market, oracle: addresses.oracle, provider: me})
    if (!this.jsonEnabled()) {
      if (report.payee) this.log(`${me} is a worker of ${report.payee}: deals on its offers pay ${report.payee}.`)
      if (asks.length === 0) this.log(`No ${this.flags.all ? '' : 'active '}offers by ${me}${report.workers.length > 0 ? ' or its workers' : ''}.`)
      else {
        const workers = report.workers.length > 0
        this.log(
          renderTable(
            ['id', 'status', 'deal', ...(workers ? ['worker'] : []), 'cores', 'ram', 'gpu', 'USD/h', 'duration'],
            asks.map((o, i) => [
              o.id.toString(),
              o.status,
              o.dealId > 0n ? o.dealId.toString() : '-',
              ...(workers ? [report.offers[i].worker ?? '(own)'] : []),
              o.benchmarks.cpuCores.toString(),
              formatSize(o.benchmarks.ramSize),
              o.benchmarks.gpuCount.toString(),
              usdPerHourText(o.price),
              formatDealDuration(o.duration),
            ]),
            ['right', 'left', 'right', ...(workers ? (['left'] as const) : []), 'right', 'right', 'right', 'right', 'right'],
          ),
        )
      }
    }
    return report
  }
}
