import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import type {DealDetailsJson} from '../../lib/market/deal-details.js'

export default class ComputeDeal extends BaseCommand<typeof ComputeDeal> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'Show one deal: parties, price, time left, funding.'
  static description = 'Show one deal: parties, resources, price, status, time left, paid so far, escrow, what a bill now would pay, how long it is funded (escrow plus what the renter\'s allowance and balance still cover; the allowance is shared by the renter\'s open deals), and the provider endpoint. Warns when a bill now or at the next period would revert or close the deal.'
  static examples = ['<%= config.bin %> <%= command.id %> 1', '<%= config.bin %> <%= command.id %> 1 --json']
  static flags = {...rpcFlags}

  public async run(): Promise<DealDetailsJson> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const dealId = parseDealId(this.args.deal)
    const addresses = await this.marketAddresses(['oracle', 'profileRegistry', 'snm'])
    const client = await this.client()
    const {dealDetailsLines, describeDeal} = await import('../../lib/market/deal-details.js')
    const details = await describeDeal(client, {addresses, dealId})
    if (details.endpointError) this.warnUser(details.endpointError)
    if (!this.jsonEnabled()) this.log(renderKeyValues(dealDetailsLines(details)))
    if (details.warning) this.warnUser(details.warning)
    return details.json
  }
}
