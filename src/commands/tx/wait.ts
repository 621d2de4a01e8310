import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {durationMsFlag, rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type TxStatus} from '../../lib/chain/tx-ops.js'
import {parseTxHash, statusLines} from '../../lib/chain/tx-view.js'

export default class TxWait extends BaseCommand<typeof TxWait> {
  static args = {hash: Args.string({description: 'Transaction hash', required: true})}
  static summary = 'Wait until a transaction is mined.'
  static examples = ['<%= config.bin %> <%= command.id %> 0x4ea0…c5a6', '<%= config.bin %> <%= command.id %> 0x4ea0…c5a6 --timeout 30m --json']
  static flags = {...rpcFlags, timeout: durationMsFlag({description: 'Give up after this long (the transaction is left as it is) [default: 10m]'})}

  public async run(): Promise<TxStatus> {
    const client = await this.client()
    const {waitForTx} = await import('../../lib/chain/tx-ops.js')
    const {readSent} = await import('../../lib/chain/sent-log.js')
    const {settledOrThrow} = await import('../../lib/chain/tx-view.js')
    const status = await waitForTx(client, parseTxHash(this.args.hash), Number(this.flags.timeout ?? 600_000n), readSent(this.dataDir, client.chain!.id))
    this.log(renderKeyValues(statusLines(status)))
    return settledOrThrow(status)
  }
}
