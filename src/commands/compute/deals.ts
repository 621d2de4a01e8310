import {Flags} from '@oclif/core'

import {displayAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags, watchFlag} from '../../lib/cli/flags.js'
import {renderTable} from '../../lib/cli/render.js'
import type {ChainClient} from '../../lib/chain/client.js'
import type {DealsReport} from '../../lib/market/deals.js'
import type {Address} from 'viem'

export default class ComputeDeals extends BaseCommand<typeof ComputeDeals> {
  static description =
    "List your deals, as renter, provider or a provider's master: status, time left, how long each is funded (escrow plus what the renter's allowance and balance still cover; one allowance serves all of a renter's deals on the Market, so shared funding is marked), SNM paid so far, who it was paid to (the deal's master: the provider, or its master when the provider is a worker) and what is in escrow. Warns when a bill now or at the next period would revert or close a deal. With --watch, redraws every few seconds (with the oracle rate and chain time) until Ctrl-C (exit 0)."
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --watch 10', '<%= config.bin %> <%= command.id %> --all --account dev6 --json']
  static flags = {...rpcFlags, ...accountFlag, ...watchFlag, all: Flags.boolean({description: 'Include closed deals'})}

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
    const {formatDealDuration} = await import('../../lib/market/units.js')
    const {formatDuration} = await import('../../lib/core/durations.js')
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
    const table =
      rows.length === 0
        ? `No ${this.flags.all ? '' : 'open '}deals for ${me}.`
        : renderTable(
            ['deal', 'role', 'status', 'counterpart', 'time left', 'funded for', 'paid SNM', 'paid to', 'in escrow SNM'],
            shown.map((d, i) => {
              const f = fundings[i]
              const funded = f ? formatDuration(f.fundedUntil > now ? f.fundedUntil - now : 0n) + (f.otherOpenDeals > 0 ? ' (shared)' : '') : '-'
              return [
                d.id.toString(),
                d.consumer.toLowerCase() === me.toLowerCase() ? 'renter' : d.supplier.toLowerCase() === me.toLowerCase() ? 'provider' : 'master',
                d.status,
                d.consumer.toLowerCase() === me.toLowerCase() ? d.supplier : d.consumer,
                rows[i].secondsLeft === null ? (d.status === 'accepted' ? 'spot' : '-') : formatDealDuration(BigInt(rows[i].secondsLeft!)) || '0s',
                funded,
                displayAmount(d.totalPayout),
                d.master.toLowerCase() === me.toLowerCase() ? 'you' : d.master,
                displayAmount(d.blockedBalance),
              ]
            }),
            ['right', 'left', 'left', 'left', 'right', 'right', 'right', 'left', 'right'],
          )
    return {data: {account: me, deals: rows}, text: [...head, table].join('\n'), warnings}
  }
}
