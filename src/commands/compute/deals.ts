import {Flags} from '@oclif/core'

import {displayAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags, watchFlag} from '../../lib/cli/flags.js'
import type {ChainClient} from '../../lib/chain/client.js'
import type {DealsReport} from '../../lib/market/deals.js'
import type {Address} from 'viem'

export default class ComputeDeals extends BaseCommand<typeof ComputeDeals> {
  static summary = 'List your deals as renter, provider or master.'
  static description =
    "List your deals, as renter, provider or a provider's master: status, time left, how long each is funded (escrow plus what the renter's allowance and balance still cover; one allowance serves all of a renter's deals on the Market, so shared funding is marked), SNM paid so far, who it was paid to (the deal's master: the provider, or its master when the provider is a worker) and what is in escrow. Warns when a bill now or at the next period would revert or close a deal. With --watch, redraws every few seconds (with the oracle rate and chain time) until Ctrl-C (exit 0)."
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --watch 10', '<%= config.bin %> <%= command.id %> --all --account dev6 --json']
  static flags = {...rpcFlags, ...accountFlag, ...listFlags, ...watchFlag, all: Flags.boolean({description: 'Include closed deals'})}

  public async run(): Promise<DealsReport> {
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const me = await this.accountAddress()
    const client = await this.client()
    const read = () => this.snapshot(client, addresses, me)
    if (this.flags.watch !== undefined) return this.watchView(this.flags.watch, read)
    const {data, text, warnings} = await read()
    if (!this.jsonEnabled()) this.log(text)
    for (const warning of warnings) this.warnUser(warning)
    return data
  }

  /** One reading: the report, the table (under --watch with the oracle rate and chain time above it) and the funding warnings. */
  private async snapshot(client: ChainClient, addresses: {market: Address; oracle: Address; snm: Address}, me: Address): Promise<{data: DealsReport; text: string; warnings: string[]}> {
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
    const warnings = shown.flatMap((d, i) => (fundings[i] ? [fundingWarning(d, fundings[i])].filter((w): w is string => Boolean(w)) : []))
    const head = this.flags.watch === undefined ? [] : [`oracle rate: ${displayAmount(rate)} SNM per USD · chain time ${new Date(Number(now) * 1000).toISOString()}`]
    let table = '' // not drawn under --json
    if (!this.jsonEnabled() && rows.length === 0 && !this.flags.csv) table = `No ${this.flags.all ? '' : 'open '}deals for ${me}.`
    else if (!this.jsonEnabled()) {
      const {dealsTable} = await import('../../lib/cli/market-views.js')
      table = dealsTable(shown.map((deal, i) => ({deal, funding: fundings[i], secondsLeft: rows[i].secondsLeft})), me, now, this.flags)
    }
    return {data: {account: me, deals: rows}, text: [...head, table].join('\n'), warnings}
  }
}
