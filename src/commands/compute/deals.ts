import {Flags} from '@oclif/core'

import {displayAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {renderTable} from '../../lib/cli/render.js'
import type {DealsReport} from '../../lib/market/deals.js'

export default class ComputeDeals extends BaseCommand<typeof ComputeDeals> {
  static description = "List your deals, as renter, provider or a provider's master: status, time left, SNM paid so far and who it was paid to (the deal's master: the provider, or its master when the provider is a worker)."
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all --account dev6 --json']
  static flags = {...rpcFlags, ...accountFlag,all: Flags.boolean({description: 'Include closed deals'})}

  public async run(): Promise<DealsReport> {
    const addresses = await this.marketAddresses(['oracle'])
    const me = await this.accountAddress()
    const client = await this.client()
    const {dealJson, getOracleRate, listDeals} = await import('../../lib/market/deals.js')
    const {formatDealDuration} = await import('../../lib/market/units.js')
    const [deals, rate, block] = await Promise.all([listDeals(client, {market: addresses.market, party: me}), getOracleRate(client, addresses.oracle), client.getBlock({blockTag: 'latest'})])
    const shown = deals.filter((d) => this.flags.all || d.status === 'accepted')
    const rows = shown.map((d) => dealJson(d, block.timestamp, rate))
    if (!this.jsonEnabled()) {
      if (rows.length === 0) this.log(`No ${this.flags.all ? '' : 'open '}deals for ${me}.`)
      else
        this.log(
          renderTable(
            ['deal', 'role', 'status', 'counterpart', 'time left', 'paid SNM', 'paid to', 'in escrow SNM'],
            shown.map((d, i) => [
              d.id.toString(),
              d.consumer.toLowerCase() === me.toLowerCase() ? 'renter' : d.supplier.toLowerCase() === me.toLowerCase() ? 'provider' : 'master',
              d.status,
              d.consumer.toLowerCase() === me.toLowerCase() ? d.supplier : d.consumer,
              rows[i].secondsLeft === null ? (d.status === 'accepted' ? 'spot' : '-') : formatDealDuration(BigInt(rows[i].secondsLeft!)) || '0s',
              displayAmount(d.totalPayout),
              d.master.toLowerCase() === me.toLowerCase() ? 'you' : d.master,
              displayAmount(d.blockedBalance),
            ]),
            ['right', 'left', 'left', 'left', 'right', 'right', 'left', 'right'],
          ),
        )
    }
    return {account: me, deals: rows}
  }
}
