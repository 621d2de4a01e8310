import {Args, Flags} from '@oclif/core'

import {collectAddresses} from '../lib/core/address-list.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {accountFlag, inputFileFlag, listFlags, rpcFlags} from '../lib/cli/flags.js'
import {parseBlockNumber} from '../lib/core/numbers.js'
import {requireContract} from '../lib/config/settings.js'
import {type BalanceReport} from '../lib/nectar/reads.js'

export default class Balance extends BaseCommand<typeof Balance> {
  static args = {address: Args.string({description: 'Addresses or account names to read (default: the active account)'})}
  static summary = 'Show NEC balances of accounts, addresses or a file.'
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
    ...listFlags,
    block: Flags.string({description: 'Read balances as of this block (from the token’s checkpoints)'}),
    file: inputFileFlag({description: 'File with one address per line'}),
  }
  static strict = false

  public async run(): Promise<BalanceReport> {
    const {flags} = this
    const blockNumber = flags.block === undefined ? undefined : parseBlockNumber(flags.block, '--block')
    const spinner = this.busy(flags.file ? `Reading ${flags.file}…` : 'Reading balances…')
    const addresses = this.positionals.length > 0 || flags.file ? collectAddresses(this.positionals, flags.file, {names: await this.accountNames(this.positionals), poke: () => spinner.poke()}) : [await this.accountAddress()]
    spinner.update('Reading balances…')
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const {readBalanceReport} = await import('../lib/nectar/reads.js')
    const progress = this.progress('Reading balances', addresses.length > 1000 ? addresses.length : 0)
    const report = await readBalanceReport(client, {addresses, blockNumber, nec, onProgress: (n) => progress.tick(n)})
    progress.done()
    if (!this.jsonEnabled()) {
      const {balancesView} = await import('../lib/cli/nectar-views.js')
      this.log(balancesView(report, this.flags))
    }
    return report
  }
}
