import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {listFlags, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {JobsReport} from '../../lib/provider/renter.js'

export default class ComputeJobs extends BaseCommand<typeof ComputeJobs> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'List the jobs of a deal with their status.'
  static examples = ['<%= config.bin %> <%= command.id %> 12', '<%= config.bin %> <%= command.id %> 12 --json']
  static flags = {...rpcFlags, ...signerFlags, ...listFlags, endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'})}

  public async run(): Promise<JobsReport> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const dealId = parseDealId(this.args.deal)
    const target = await this.dealAgent(dealId, this.flags.endpoint)
    const {listJobs} = await import('../../lib/provider/client.js')
    const {jobExitStatus} = await import('../../lib/provider/agent.js')
    const jobs = await listJobs(target)
    if (!this.jsonEnabled()) {
      if (jobs.length === 0 && !this.flags.csv) this.log(`Deal ${dealId} has no jobs.`)
      else {
        const {jobsTable} = await import('../../lib/cli/market-views.js')
        this.log(jobsTable(jobs, jobExitStatus, this.flags))
      }
    }
    return {dealId, jobs}
  }
}
