import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {type ReplaceResult} from '../../lib/chain/tx-ops.js'

export default class TxReplace extends BaseCommand<typeof TxReplace> {
  static summary = 'Re-send a stuck transaction at higher fees.'
  static description = `Takes the transaction this CLI recorded for --nonce and signs it again with fees at least 12.5% higher (or
your --max-fee/--priority-fee, or today's estimate, whichever is highest), so the node replaces the pending one.`
  static examples = ['<%= config.bin %> <%= command.id %> --nonce 12', '<%= config.bin %> <%= command.id %> --nonce 12 --max-fee 40 --priority-fee 2 --yes']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags, nonce: Flags.integer({description: 'The nonce of the pending transaction.', helpGroup: 'TRANSACTION', min: 0, required: true})}

  public async run(): Promise<ReplaceResult> {
    const {replacePending} = await import('../../lib/chain/tx-view.js')
    const result = await replacePending(await this.client(), {cancel: false, dataDir: this.dataDir, nonce: this.flags.nonce}, await this.sendOptions())
    this.log(`Replaced nonce ${result.nonce}${result.replaced ? ` (${result.replaced})` : ''} with ${result.hash} (block ${result.blockNumber}).`)
    return result
  }
}
