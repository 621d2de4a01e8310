import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import type {FundReport} from '../../lib/market/deal-funding.js'

export default class ComputeFund extends BaseCommand<typeof ComputeFund> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'Fund a running deal for longer.'
  static description = 'Fund a running deal for longer: raises your SNM allowance to the Market by hours of the deal\'s price (at the oracle rate) or by an amount of SNM, so its bills can keep pulling. Renter only, open deals only. The allowance is shared by all your deals on the Market; a balance below it is a warning (the Market closes a deal whose renter cannot pay, it does not get stuck).'
  static examples = ['<%= config.bin %> <%= command.id %> 4 --hours 24', '<%= config.bin %> <%= command.id %> 4 --amount 50 --yes --json']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    amount: Flags.string({description: 'SNM to add to the allowance (50, 0.5)', exactlyOne: ['amount', 'hours']}),
    hours: Flags.string({description: 'Hours of the deal\'s price to add, at the oracle rate (24, 1.5)', exactlyOne: ['amount', 'hours']}),
  }

  public async run(): Promise<FundReport> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const dealId = parseDealId(this.args.deal)
    const addresses = await this.marketAddresses(['oracle', 'snm'])
    const client = await this.client()
    const {fundDeal, fundedText} = await import('../../lib/market/deal-funding.js')
    const {fundedUntil} = await import('../../lib/market/billing.js')
    const {getOracleRate, requireDeal} = await import('../../lib/market/deals.js')
    const funded = await fundDeal(client, {addresses, amount: this.flags.amount, dealId, hours: this.flags.hours}, await this.sendOptions())
    const [deal, rate] = await Promise.all([requireDeal(client, addresses.market, dealId), getOracleRate(client, addresses.oracle)])
    const until = fundedUntil(deal, rate, {allowance: funded.allowance.after, balance: funded.balance})
    this.log(fundedText(dealId, funded, until))
    return {allowance: funded.allowance.after, amount: funded.amount, dealId, fundedUntil: until, txHash: funded.txHash}
  }
}
