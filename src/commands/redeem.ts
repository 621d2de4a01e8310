import {Args, Flags} from '@oclif/core'

import {displayAmount, formatAmount, parseAmount} from '../lib/core/amounts.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../lib/cli/flags.js'
import {nectarError} from '../lib/core/errors.js'
import {renderKeyValues} from '../lib/cli/render.js'
import {requireContract} from '../lib/config/settings.js'

export default class Redeem extends BaseCommand<typeof Redeem> {
  static args = {amount: Args.string({description: 'NEC to burn (up to 18 decimals); or use --all'})}
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
    'dry-run': Flags.boolean({description: 'Show the exact payout and the checks; send nothing'}),
  }

  public async run() {
    const {flags} = this
    if (flags.all && this.args.amount !== undefined) throw nectarError('USAGE', 'Give an AMOUNT or --all, not both.', {hint: 'e.g. `nectar redeem 100` or `nectar redeem --all`.'})
    if (!flags.all && this.args.amount === undefined) throw nectarError('USAGE', 'Say how much NEC to redeem.', {hint: 'Give an AMOUNT such as 100, or --all.'})
    const amount = flags.all ? 'all' : parseAmount(this.args.amount!, {label: 'amount', unit: 'NEC'})
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const signer = flags['dry-run'] ? undefined : await this.signer()
    const account = signer ? signer.address : await this.accountAddress()
    const {previewRedemption, readRedemptionReceipt} = await import('../lib/nectar/redeem.js')
    const {assertContract} = await import('../lib/nectar/reads.js')
    await assertContract(client, nec, 'NEC')
    const p = await previewRedemption(client, {account, amount, nec})
    const data: Record<string, unknown> = {
      account,
      amount: formatAmount(p.amount),
      amountWei: p.amount.toString(),
      balance: formatAmount(p.balance),
      controllerBalance: formatAmount(p.controllerBalance),
      dryRun: Boolean(flags['dry-run']),
      payout: formatAmount(p.payout),
      payoutWei: p.payout.toString(),
      pledgedFeesWei: p.pledgedFees.toString(),
      ratePerNec: formatAmount(p.ratePerNec),
      ratePerNecWei: p.ratePerNec.toString(),
      totalSupplyWei: p.totalSupply.toString(),
      whitelist: {listActive: p.listActive, onList: p.onList},
    }
    const lines: Array<[string, string]> = [
      ['redeem', `${displayAmount(p.amount, 18, 18)} NEC of ${displayAmount(p.balance)} held`],
      ['payout', `${formatAmount(p.payout)} ETH (${p.payout} wei)`],
      ['rate', `${displayAmount(p.ratePerNec, 18, 18)} ETH per NEC (pledged ${displayAmount(p.pledgedFees)} ETH / supply ${displayAmount(p.totalSupply)} NEC)`],
      ['controller', `${displayAmount(p.controllerBalance)} ETH available for payouts`],
    ]
    if (p.payout === 0n) this.warnUser('This amount is too small to pay anything: the payout rounds down to 0 wei.')
    if (p.accountHasCode) this.warnUser(`${account} is a contract; the payout is a 2300-gas send that most contract wallets refuse (the burn would revert).`)
    if (flags['dry-run']) {
      this.log(renderKeyValues([...lines, ['', 'dry run: nothing sent']]))
      return data
    }
    const {transact} = await import('../lib/chain/transact.js')
    const controller = p.controller
    const result = await transact(client, `Redeem ${displayAmount(p.amount)} NEC for ${formatAmount(p.payout)} ETH`, {
      abi: (await import('../lib/contracts/generated/index.js')).necAbi,
      address: nec,
      args: [p.amount],
      functionName: 'burnAndRetrieve',
    }, {
      account: signer!,
      confirm: (preview) => this.confirmTransaction(preview),
      details: lines,
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
    })
    const {received} = readRedemptionReceipt(result.receipt, {account, controller, nec})
    if (received !== p.payout) this.warnUser(`Received ${received} wei, not the ${p.payout} wei previewed: supply or pledged fees changed before the transaction was mined.`)
    this.log(`Redeemed ${displayAmount(p.amount)} NEC for ${formatAmount(received)} ETH in ${result.hash} (block ${result.blockNumber})`)
    return {...data, block: result.blockNumber.toString(), gasUsed: result.gasUsed.toString(), received: formatAmount(received), receivedWei: received.toString(), txHash: result.hash}
  }
}
