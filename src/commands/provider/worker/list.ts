import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags} from '../../../lib/cli/flags.js'
import type {WorkersReport} from '../../../lib/market/workers.js'

export default class ProviderWorkerList extends BaseCommand<typeof ProviderWorkerList> {
  static summary = 'List a master’s workers and pending requests.'
  static description =
    "List a master's workers: confirmed ones (GetMaster on the Market is the master) and pending requests (WorkerAnnounced without a WorkerConfirmed since), from the Market's worker events."
  static examples = ['<%= config.bin %> <%= command.id %> --account master', '<%= config.bin %> <%= command.id %> --master 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --json']
  static flags = {...rpcFlags, ...accountFlag, ...listFlags, master: Flags.string({description: 'The master whose workers to list (default: the active account)'})}

  public async run(): Promise<WorkersReport> {
    const master = this.flags.master === undefined ? await this.accountAddress() : await this.addressArg(this.flags.master, '--master')
    const {market} = await this.marketAddresses([])
    const {listWorkers} = await import('../../../lib/market/workers.js')
    const report = await listWorkers(await this.client(), {market, master})
    if (!this.jsonEnabled()) {
      if (report.masterOf) this.note(`${report.master} is itself a worker of ${report.masterOf}.`)
      if (report.workers.length === 0 && !this.flags.csv) this.log(`${report.master} has no workers and no pending requests.`)
      else {
        const {workersTable} = await import('../../../lib/cli/market-views.js')
        this.log(workersTable(report, this.flags))
      }
    }
    return report
  }
}
