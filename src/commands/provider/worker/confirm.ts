import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import type {WorkerChange} from '../../../lib/market/workers.js'

export default class ProviderWorkerConfirm extends BaseCommand<typeof ProviderWorkerConfirm> {
  static args = {worker: Args.string({description: 'Address of the worker that asked', required: true})}
  static summary = 'Confirm a worker of this account (master).'
  static description =
    "Confirm WORKER as a worker of this account (ConfirmWorker, run by the master): from then on every deal on the worker's asks pays this account. Refused before sending when WORKER has not asked (`provider worker add`), already has a master, or when this account is itself a worker; an already confirmed worker sends nothing."
  static examples = ['<%= config.bin %> <%= command.id %> 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 --account master', '<%= config.bin %> <%= command.id %> 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<WorkerChange> {
    const worker = await this.addressArg(this.args.worker, 'worker')
    const {market} = await this.marketAddresses([])
    const {confirmWorker} = await import('../../../lib/market/workers.js')
    const change = await confirmWorker(await this.client(), {market, worker}, await this.sendOptions())
    if (change.txHash) this.log(`Confirmed ${change.worker} as a worker of ${change.master} (${change.txHash}); its deals now pay ${change.master}.`)
    else this.log(`${change.worker} is already a worker of ${change.master}; nothing was sent.`)
    return change
  }
}
