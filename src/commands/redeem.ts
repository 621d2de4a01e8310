import {Args, Flags} from '@oclif/core'

import {displayAmount} from '../lib/core/amounts.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../lib/cli/flags.js'
import {renderKeyValues} from '../lib/cli/render.js'
import {requireContract} from '../lib/config/settings.js'
import {type RedeemResult, type RedemptionReport} from '../lib/nectar/redeem.js'

export default class Redeem extends BaseCommand<typeof Redeem> {
  static args = {amount: Args.string({description: 'NEC to burn (up to 18 decimals); or use --all'})}
  static summary = 'Redeem NEC for its share of the pledged ETH.'
  static description = `Redeem NEC for ETH: burn it with burnAndRetrieve and receive floor(totalPledgedFees × amount / totalSupply) wei
from the controller. Every precondition (burning enabled, balance, controller funds) is checked before anything is
sent; the ETH received is read from the receipt's events.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 100 --dry-run',
    '<%= config.bin %> <%= command.id %> 100 --account dev1 --yes',
    '<%= config.bin %> <%= command.id %> --all --account alice --json --yes',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    all: Flags.boolean({description: 'Redeem the whole NEC balance of the account'}),
    'allow-zero-payout': Flags.boolean({description: 'Burn even when the payout rounds down to 0 wei'}),
    'dry-run': Flags.boolean({description: 'Show the exact payout and the checks; send nothing'}),
  }

  public async run(): Promise<RedeemResult | RedemptionReport> {
    const {parseRedeemAmount, planRedemption, redeem} = await import('../lib/nectar/redeem.js')
    const amount = parseRedeemAmount(this.args.amount, this.flags.all)
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    if (this.flags['dry-run']) {
      const plan = await planRedemption(client, {account: await this.accountAddress(), amount, dryRun: true, nec})
      for (const warning of plan.warnings) this.warnUser(warning)
      this.log(renderKeyValues([...plan.lines, ['', 'dry run: nothing sent']]))
      return plan.report
    }
    const result = await redeem(client, {allowZeroPayout: this.flags['allow-zero-payout'], amount, nec}, await this.sendOptions())
    this.log(`Redeemed ${displayAmount(result.amountWei)} NEC for ${result.received} ETH in ${result.txHash} (block ${result.block})`)
    return result
  }
}
