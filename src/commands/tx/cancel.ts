import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {type ReplaceResult} from '../../lib/chain/tx-ops.js'

export default class TxCancel extends BaseCommand<typeof TxCancel> {
  static summary = 'Cancel a pending transaction.'
  static examples = ['<%= config.bin %> <%= command.id %> --nonce 12', '<%= config.bin %> <%= command.id %> --nonce 12 --max-fee 40 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags, nonce: Flags.integer({description: 'The nonce of the pending transaction.', helpGroup: 'TRANSACTION', min: 0, required: true})}

  public async run(): Promise<ReplaceResult> {
    const {replacePending} = await import('../../lib/chain/tx-view.js')
    const result = await replacePending(await this.client(), {cancel: true, dataDir: this.dataDir, nonce: this.flags.nonce}, await this.sendOptions())
    this.log(`Cancelled nonce ${result.nonce} with ${result.hash} (block ${result.blockNumber}).`)
    return result
  }
}
