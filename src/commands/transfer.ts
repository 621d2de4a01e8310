import {Args} from '@oclif/core'

import {parseAddress} from '../lib/core/addresses.js'
import {displayAmount, formatAmount, parseAmount} from '../lib/core/amounts.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../lib/cli/flags.js'
import {requireContract} from '../lib/config/settings.js'

export default class Transfer extends BaseCommand<typeof Transfer> {
  static args = {
    to: Args.string({description: 'Recipient address', required: true}),
    amount: Args.string({description: 'Amount of NEC (up to 18 decimals)', required: true}),
  }
  static summary = 'Send NEC, checked and previewed before signing.'
  static description = `Send NEC. Checks balance and whitelist registration of both ends before signing, shows what will happen, asks to confirm (or --yes), then waits for the receipt.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 12.5',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0.000000000000000001 --account alice --yes --json',
  ]
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run() {
    const to = parseAddress(this.args.to, 'recipient')
    const amount = parseAmount(this.args.amount, {label: 'amount', unit: 'NEC'})
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const account = await this.signer()
    const {checkTransfer} = await import('../lib/nectar/transfer.js')
    const {balance} = await checkTransfer(client, {amount, from: account.address, nec, to})
    const {transact} = await import('../lib/chain/transact.js')
    const {necAbi} = await import('../lib/contracts/generated/index.js')
    const result = await transact(client, `Transfer ${displayAmount(amount)} NEC to ${to}`, {abi: necAbi, address: nec, args: [to, amount], functionName: 'transfer'}, {
      account,
      confirm: (preview) => this.confirmTransaction(preview),
      details: [['amount', `${formatAmount(amount)} NEC`], ['balance after', `${displayAmount(balance - amount)} NEC`]],
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
    })
    this.log(`Transferred ${displayAmount(amount)} NEC to ${to} in ${result.hash} (block ${result.blockNumber})`)
    return {amount: formatAmount(amount), amountWei: amount.toString(), block: result.blockNumber.toString(), from: account.address, gasUsed: result.gasUsed.toString(), to, txHash: result.hash}
  }
}
