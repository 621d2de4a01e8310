import {Flags} from '@oclif/core'

import {displayAmount, formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'

export default class ComputeBid extends BaseCommand<typeof ComputeBid> {
  static description = 'Place a BID order from a spec file (same format as an ask plan: the resources are minimums). It locks SNM (1 hour for spot, the duration up to 1 day otherwise, approved exactly); any matching ask can then fill it with OpenDeal(ask, bid).'
  static examples = ['<%= config.bin %> <%= command.id %> --spec bid.yaml', '<%= config.bin %> <%= command.id %> --spec bid.yaml --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags,spec: Flags.string({description: 'Bid spec file (YAML; schema: schemas/ask-plan.schema.json)', required: true})}

  public async run() {
    const {marketAddresses} = await import('../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const {loadPlan} = await import('../../lib/market/plan.js')
    loadPlan(this.flags.spec, 1n) // fail on a bad file before touching the chain
    const client = await this.client()
    const {getOracleRate, orderPlacedId} = await import('../../lib/market/deals.js')
    const rate = await getOracleRate(client, addresses.oracle)
    const params = loadPlan(this.flags.spec, rate)
    const account = await this.signer()
    const {lockedSum} = await import('../../lib/market/billing.js')
    const {checkFunds} = await import('../../lib/market/renter.js')
    const lock = lockedSum(params.price, params.duration, rate)
    const funds = await checkFunds(client, addresses, account.address, lock, rate)
    const {transact} = await import('../../lib/chain/transact.js')
    const {marketAbi} = await import('../../lib/contracts/generated/Market.js')
    const {snmAbi} = await import('../../lib/contracts/generated/SNM.js')
    const confirm = (p: Parameters<typeof this.confirmTransaction>[0]) => this.confirmTransaction(p)
    if (funds.needsApproval) {
      await transact(client, `Approve the Market to take exactly ${formatAmount(lock)} SNM`, {abi: snmAbi, address: addresses.snm, args: [addresses.market, lock], functionName: 'approve'}, {account, confirm})
    }
    const {usdPerHourText, formatDealDuration} = await import('../../lib/market/units.js')
    const result = await transact(
      client,
      `Place a BID at ${usdPerHourText(params.price)} USD/h for ${formatDealDuration(params.duration)}`,
      {abi: marketAbi, address: addresses.market, args: [1, params.counterparty, params.duration, params.price, params.netflags, params.identityLevel, params.blacklist, params.tag, params.benchmarks], functionName: 'PlaceOrder'},
      {account, confirm, details: [['lock', `${formatAmount(lock)} SNM of ${displayAmount(funds.balance)}`]], onSent: (hash) => this.note(`Sent ${hash}…`)},
    )
    const id = orderPlacedId(result.receipt)
    this.log(`Placed BID ${id} (${formatAmount(lock)} SNM locked) in ${result.hash}.`)
    return {bidId: id?.toString() ?? null, lock: lock.toString(), price: params.price.toString(), txHash: result.hash}
  }
}
