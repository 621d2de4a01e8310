import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags} from '../../../lib/cli/flags.js'
import type {ProviderOffersReport} from '../../../lib/market/provider.js'

export default class ProviderOfferList extends BaseCommand<typeof ProviderOfferList> {
  static summary = 'List your offers (ASK orders).'
  static description =
    "List your offers (ASK orders): active ones, or all with --all. A master's list includes its confirmed workers' offers (deals on them pay the master), marked with the worker's address; a worker's offers show the master they pay."
  static examples = ['<%= config.bin %> <%= command.id %> --account dev6', '<%= config.bin %> <%= command.id %> --all --json']
  static flags = {...rpcFlags, ...accountFlag, ...listFlags, all: Flags.boolean({description: 'Include taken and cancelled offers'})}

  public async run(): Promise<ProviderOffersReport> {
    const addresses = await this.marketAddresses(['oracle'])
    const me = await this.accountAddress()
    const {providerOffers} = await import('../../../lib/market/provider.js')
    const {asks, report} = await providerOffers(await this.client(), {all: this.flags.all, market: addresses.market, oracle: addresses.oracle, provider: me})
    if (!this.jsonEnabled()) {
      if (report.payee) this.note(`${me} is a worker of ${report.payee}: deals on its offers pay ${report.payee}.`)
      if (asks.length === 0 && !this.flags.csv) this.log(`No ${this.flags.all ? '' : 'active '}offers by ${me}${report.workers.length > 0 ? ' or its workers' : ''}.`)
      else {
        const {providerOffersTable} = await import('../../../lib/cli/market-views.js')
        this.log(providerOffersTable(asks, report, this.flags))
      }
    }
    return report
  }
}
