import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import type {WorkerChange} from '../../../lib/market/workers.js'

export default class ProviderWorkerAdd extends BaseCommand<typeof ProviderWorkerAdd> {
  static args = {master: Args.string({description: 'Address of the master', required: true})}
  static summary = 'Ask a master to take this account as its worker.'
  static description =
    "Ask MASTER to take this account as its worker (RegisterWorker, run by the worker). Once the master confirms (`provider worker confirm`), every deal on this account's asks pays the master, and a renter who finds no agent URL of yours uses the master's. Refused before sending when this account already has a master or has confirmed workers of its own, or when MASTER is itself a worker; asking the same master again sends nothing."
  static examples = ['<%= config.bin %> <%= command.id %> 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --account worker1', '<%= config.bin %> <%= command.id %> 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<WorkerChange> {
    const master = await this.addressArg(this.args.master, 'master')
    const {market} = await this.marketAddresses([])
    const {registerWorker} = await import('../../../lib/market/workers.js')
    const change = await registerWorker(await this.client(), {market, master}, await this.sendOptions())
    if (change.txHash) this.log(`${change.worker} asked ${change.master} to confirm it as a worker (${change.txHash}). The master runs \`nectar provider worker confirm ${change.worker}\`.`)
    else this.log(`${change.worker} has already asked ${change.master}; nothing was sent. Waiting for \`nectar provider worker confirm ${change.worker}\` by the master.`)
    return change
  }
}
