import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {StopJobReport} from '../../lib/provider/renter.js'

export default class ComputeStop extends BaseCommand<typeof ComputeStop> {
  static args = {deal: Args.string({description: 'Deal id', required: true}), job: Args.string({description: 'Job id', required: true})}
  static summary = 'Stop a running job.'
  static examples = ['<%= config.bin %> <%= command.id %> 12 3']
  static flags = {...rpcFlags, ...signerFlags,endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'})}

  public async run(): Promise<StopJobReport> {
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {parseJobId} = await import('../../lib/provider/renter.js')
    const dealId = parseDealId(this.args.deal)
    const jobId = parseJobId(this.args.job)
    const target = await this.dealAgent(dealId, this.flags.endpoint)
    const {stopJob} = await import('../../lib/provider/client.js')
    const {job, stopping} = await stopJob(target, jobId)
    this.log(stopping ? `Stopping job ${jobId} of deal ${dealId}.` : `Job ${jobId} of deal ${dealId} had already ended (${job.status}).`)
    return {dealId, jobId, status: job.status, stopping}
  }
}
