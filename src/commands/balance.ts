import {Args, Flags} from '@oclif/core'

import {collectAddresses} from '../lib/core/address-list.js'
import {formatAmount, displayAmount} from '../lib/core/amounts.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {accountFlag, inputFileFlag, rpcFlags} from '../lib/cli/flags.js'
import {nectarError} from '../lib/core/errors.js'
import {renderTable} from '../lib/cli/render.js'
import {requireContract} from '../lib/config/settings.js'

export default class Balance extends BaseCommand<typeof Balance> {
  static args = {address: Args.string({description: 'Addresses to read (default: the active account)'})}
  static description = 'Show NEC balances: of the active account, of addresses you name, or of a file of up to 100,000 addresses (read in batches).'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    '<%= config.bin %> <%= command.id %> --file holders.txt --json',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --block 120',
  ]
  static flags = {
    ...rpcFlags,
    ...accountFlag,
    block: Flags.string({description: 'Read balances as of this block (from the token’s checkpoints)'}),
    file: inputFileFlag({description: 'File with one address per line'}),
  }
  static strict = false

  public async run() {
    const {flags} = this
    const given = this.positionals
    let blockNumber: bigint | undefined
    if (flags.block !== undefined) {
      if (!/^\d{1,15}$/.test(flags.block)) throw nectarError('INVALID_BLOCK', `--block ${JSON.stringify(flags.block)} is not a block number.`, {hint: 'Give a block number such as 1200.'})
      blockNumber = BigInt(flags.block)
    }
    const addresses = given.length > 0 || flags.file ? collectAddresses(given, flags.file) : [await this.accountAddress()]
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const {assertContract, getBalances} = await import('../lib/nectar/reads.js')
    if (blockNumber !== undefined) {
      const head = await client.getBlockNumber()
      if (blockNumber > head) throw nectarError('FUTURE_BLOCK', `Block ${blockNumber} is in the future (the chain is at ${head}).`, {hint: `Give a block up to ${head}.`})
    }
    const progress = this.progress('Reading balances', addresses.length > 1000 ? addresses.length : 0)
    let values: bigint[]
    try {
      values = await getBalances(client, {addresses, blockNumber, nec, onProgress: (n) => progress.tick(n)})
    } catch (error) {
      await assertContract(client, nec, 'NEC')
      throw error
    }
    progress.done()
    const total = values.reduce((a, b) => a + b, 0n)
    const balances = addresses.map((address, i) => ({address, balance: formatAmount(values[i]), wei: values[i].toString()}))
    if (!this.jsonEnabled()) {
      if (balances.length <= 200) {
        const rows = balances.map((b, i) => [b.address, displayAmount(values[i])])
        if (balances.length > 1) rows.push(['total', displayAmount(total)])
        this.log(renderTable(['address', 'NEC'], rows, ['left', 'right']))
      } else {
        for (const b of balances) this.log(`${b.address}\t${b.balance}`)
        this.log(`total\t${formatAmount(total)}`)
      }
    }
    return {balances, block: blockNumber?.toString() ?? null, total: {balance: formatAmount(total), wei: total.toString()}}
  }
}

