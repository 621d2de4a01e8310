import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags} from '../../lib/cli/flags.js'
import type {DealsReport} from '../../lib/market/deals.js'

export default class ComputeDeals extends BaseCommand<typeof ComputeDeals> {
  static summary = 'List your deals as renter, provider or master.'
  static description =
    "List your deals, as renter, provider or a provider's master: status, time left, how long each is funded (escrow plus what the renter's allowance and balance still cover; one allowance serves all of a renter's deals on the Market, so shared funding is marked), SNM paid so far, who it was paid to (the deal's master: the provider, or its master when the provider is a worker) and what is in escrow. Warns when a bill now or at the next period would revert or close a deal."
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all --account dev6 --json']
  static flags = {...rpcFlags, ...accountFlag, ...listFlags, all: Flags.boolean({description: 'Include closed deals'})}

  public async run(): Promise<DealsReport> {
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const me = await this.accountAddress()
    const client = await this.client()
    const {dealJson, getOracleRate, listDeals} = await import('../../lib/market/deals.js')
    const {dealFunding, fundingJson, fundingWarning, fundsOf} = await import('../../lib/market/deal-funding.js')
    const [deals, rate, block] = await Promise.all([listDeals(client, {market: addresses.market, party: me}), getOracleRate(client, addresses.oracle), client.getBlock({blockTag: 'latest'})])
    const now = block.timestamp
    const shown = deals.filter((d) => this.flags.all || d.status === 'accepted')
    const open = shown.filter((d) => d.status === 'accepted')
    const funds = await fundsOf(client, addresses, open.map((d) => d.consumer))
    // A renter's other open deals draw from the same allowance. Known here for my own deals as renter; for
    // deals where I am the provider, only the renter's deals with me are listed, so it is a lower bound.
    const openOf = (renter: string) => open.filter((d) => d.consumer.toLowerCase() === renter.toLowerCase()).length
    const fundings = shown.map((d) => (d.status === 'accepted' ? dealFunding(d, now, rate, funds.get(d.consumer.toLowerCase())!, openOf(d.consumer) - 1) : null))
    const rows = shown.map((d, i) => ({...dealJson(d, now, rate), funding: fundings[i] ? fundingJson(now, fundings[i]) : null}))
    if (!this.jsonEnabled()) {
      if (rows.length === 0 && !this.flags.csv) this.log(`No ${this.flags.all ? '' : 'open '}deals for ${me}.`)
      else {
        const {dealsTable} = await import('../../lib/cli/market-views.js')
        this.log(dealsTable(shown.map((deal, i) => ({deal, funding: fundings[i], secondsLeft: rows[i].secondsLeft})), me, now, this.flags))
      }
    }
    for (const [i, d] of shown.entries()) {
      const warning = fundings[i] ? fundingWarning(d, fundings[i]) : undefined
      if (warning) this.warnUser(warning)
    }
    return {account: me, deals: rows}
  }
}
