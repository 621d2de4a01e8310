import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import type {WorkerChange} from '../../../lib/market/workers.js'

export default class ProviderWorkerRemove extends BaseCommand<typeof ProviderWorkerRemove> {
  static args = {worker: Args.string({description: 'Address of the worker', required: true})}
  static summary = 'End a master/worker binding.'
  static description =
    "End a master/worker binding (RemoveWorker), run by the master or by the worker itself: the worker's deals pay the worker again. The master is this account, or the worker's own master when this account is the worker (--master names it explicitly). Refused before sending when WORKER is not that master's worker, or this account is neither of them."
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 --account master',
    '<%= config.bin %> <%= command.id %> 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 --account worker1 --yes --json',
  ]
  static flags = {...rpcFlags, ...signerFlags, ...txFlags, master: Flags.string({description: "The worker's master (default: this account, or the worker's master when you are the worker)"})}

  public async run(): Promise<WorkerChange> {
    const worker = await this.addressArg(this.args.worker, 'worker')
    const master = this.flags.master === undefined ? undefined : await this.addressArg(this.flags.master, '--master')
    const {market} = await this.marketAddresses([])
    const {removeWorker} = await import('../../../lib/market/workers.js')
    const change = await removeWorker(await this.client(), {market, master, worker}, await this.sendOptions())
    this.log(`Removed ${change.worker} from the workers of ${change.master} (${change.txHash}); its deals pay it directly again.`)
    return change
  }
}
