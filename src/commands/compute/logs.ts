import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {JobLogsReport} from '../../lib/provider/renter.js'

export default class ComputeLogs extends BaseCommand<typeof ComputeLogs> {
  static args = {
    deal: Args.string({description: 'Deal id', required: true}),
    job: Args.string({description: 'Job id (default: the deal’s latest job)'}),
  }
  static summary = 'Show or follow a job’s output.'
  static description = `Reads the job's log from the provider's agent (found from the deal on chain, or --endpoint). With --follow it waits for new output until the job ends, reconnects when the connection drops and resumes after the last line printed, and exits with the job's exit status. Under --json each record is one JSON line ({seq, stream, ts, encoding, data}), then the envelope.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 12 --follow',
    '<%= config.bin %> <%= command.id %> 12 3 --tail 100 --stream stderr --timestamps',
    '<%= config.bin %> <%= command.id %> 12 --since 10m --json',
  ]
  /** Under --json the records are NDJSON, so the closing envelope is one line too. */
  static ndjson = true
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'}),
    follow: Flags.boolean({char: 'f', description: 'Wait for new output until the job ends'}),
    prefix: Flags.boolean({description: 'Label each line with its stream: out| or err|'}),
    since: Flags.string({description: 'Only output since a duration ago (10m, 2h) or a time (ISO 8601)'}),
    stream: Flags.string({description: 'Only one stream', options: ['stdout', 'stderr']}),
    tail: Flags.integer({char: 't', description: 'Only the last N lines', min: 0}),
    timestamps: Flags.boolean({description: 'Prefix each line with its time'}),
  }


  public async run(): Promise<JobLogsReport> {
    const {flags} = this
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {parseJobId, parseSince, readJobLogs} = await import('../../lib/provider/renter.js')
    const dealId = parseDealId(this.args.deal)
    const jobId = this.args.job === undefined ? undefined : parseJobId(this.args.job)
    const since = flags.since === undefined ? undefined : parseSince(flags.since)
    const target = await this.dealAgent(dealId, flags.endpoint)
    const output = this.jobOutput(dealId, flags)
    const report = await readJobLogs(target, {...output, follow: flags.follow, jobId, since, stream: flags.stream as 'stderr' | 'stdout' | undefined, tail: flags.tail})
    if (flags.follow && report.end) process.exitCode = report.end.exitStatus
    return report
  }
}
