import {Args} from '@oclif/core'

import {displayAmount, parseAmount} from '../lib/core/amounts.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../lib/cli/flags.js'
import {requireContract} from '../lib/config/settings.js'
import {type TransferResult} from '../lib/nectar/transfer.js'

export default class Transfer extends BaseCommand<typeof Transfer> {
  static args = {
    to: Args.string({description: 'Recipient: an address or an account name', required: true}),
    amount: Args.string({description: 'Amount of NEC (up to 18 decimals)', required: true}),
  }
  static summary = 'Send NEC, checked and previewed before signing.'
  static description = `Send NEC. Checks balance and whitelist registration of both ends before signing, shows what will happen, asks to confirm (or --yes), then waits for the receipt.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 12.5',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0.000000000000000001 --account alice --yes --json',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 1 --nonce 7 --max-fee 30 --priority-fee 2',
  ]
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<TransferResult> {
    const to = await this.addressArg(this.args.to, 'recipient')
    const amount = parseAmount(this.args.amount, {label: 'amount', unit: 'NEC'})
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const {transfer} = await import('../lib/nectar/transfer.js')
    const result = await transfer(client, {amount, nec, to}, await this.sendOptions())
    this.log(`Transferred ${displayAmount(amount)} NEC to ${to} in ${result.txHash} (block ${result.block})`)
    return result
  }
}
