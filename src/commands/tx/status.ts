import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues, renderTable} from '../../lib/cli/render.js'
import {type PendingReport, type TxStatus} from '../../lib/chain/tx-ops.js'
import {parseTxHash, statusLines} from '../../lib/chain/tx-view.js'

export default class TxStatusCommand extends BaseCommand<typeof TxStatusCommand> {
  static args = {hash: Args.string({description: 'Transaction hash (default: the account’s pending transactions)'})}
  static summary = 'Show what became of a transaction, or pending ones.'
  static description = `With a hash: mined (success or reverted, with block, confirmations and fee), pending, dropped (its nonce was
used by another transaction) or unknown. Without: the account's nonces that are sent but not mined, with what this
CLI recorded for each, so a stuck one can be replaced (\`nectar tx replace --nonce N\`) or cancelled.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x4ea0…c5a6', '<%= config.bin %> <%= command.id %> --account alice --json']
  static flags = {...rpcFlags, ...accountFlag}

  public async run(): Promise<PendingReport | TxStatus> {
    const client = await this.client()
    const {pendingTxs, txStatus} = await import('../../lib/chain/tx-ops.js')
    const {readSent} = await import('../../lib/chain/sent-log.js')
    if (this.args.hash) {
      const status = await txStatus(client, parseTxHash(this.args.hash), readSent(this.dataDir, client.chain!.id))
      this.log(renderKeyValues(statusLines(status)))
      return status
    }
    const account = await this.accountAddress()
    const {mined, pending} = await pendingTxs(client, account, readSent(this.dataDir, client.chain!.id, account))
    if (pending.length === 0) this.log(`No pending transactions for ${account} (next nonce ${mined}).`)
    else this.log(renderTable([{align: 'right', header: 'nonce'}, 'state', {header: 'hash', wrap: true}, {header: 'action', wrap: true}], pending.map((p) => [p.nonce, p.state, p.hash ?? '-', p.action ?? '-'])))
    return {account, mined, pending}
  }
}
