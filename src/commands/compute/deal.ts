import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, watchFlag} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import type {DealDetailsJson} from '../../lib/market/deal-details.js'

export default class ComputeDeal extends BaseCommand<typeof ComputeDeal> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'Show one deal: parties, price, time left, funding.'
  static description = 'Show one deal: parties, resources, price, status, time left, paid so far, escrow, what a bill now would pay, how long it is funded (escrow plus what the renter\'s allowance and balance still cover; the allowance is shared by the renter\'s open deals), and the provider endpoint. Warns when a bill now or at the next period would revert or close the deal. With --watch, redraws every few seconds (time left, escrow, funded until) until Ctrl-C (exit 0).'
  static examples = ['<%= config.bin %> <%= command.id %> 1', '<%= config.bin %> <%= command.id %> 1 --watch', '<%= config.bin %> <%= command.id %> 1 --json']
  static flags = {...rpcFlags, ...watchFlag}

  public async run(): Promise<DealDetailsJson> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const dealId = parseDealId(this.args.deal)
    const addresses = await this.marketAddresses(['oracle', 'profileRegistry', 'snm'])
    const client = await this.client()
    const {dealDetailsLines, describeDeal} = await import('../../lib/market/deal-details.js')
    const read = async () => {
      const details = await describeDeal(client, {addresses, dealId})
      const warnings = [details.endpointError, details.warning].filter((w): w is string => Boolean(w))
      return {data: details.json, text: renderKeyValues(dealDetailsLines(details)), warnings}
    }
    if (this.flags.watch !== undefined) return this.watchView(this.flags.watch, read)
    const {data, text, warnings} = await read()
    if (!this.jsonEnabled()) this.log(text)
    for (const warning of warnings) this.warnUser(warning)
    return data
  }
}
