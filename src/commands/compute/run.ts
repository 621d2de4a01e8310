import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {RunJobReport} from '../../lib/provider/renter.js'

export default class ComputeRun extends BaseCommand<typeof ComputeRun> {
  static args = {deal: Args.string({description: 'Deal id', required: true})}
  static summary = 'Start a job on a deal’s provider.'
  static description = `Sends the job spec (YAML or JSON; command, args, env, files, inputs, outputs, timeLimit) to the provider's agent, signed with the deal's renter key. Files and directories given with --upload (and the spec's inputs:, relative to the spec file) are packed into one archive and streamed to the agent first, its sha256 covered by the signature; the agent unpacks it into the job's work dir before the job starts, and refuses it before a byte is sent when it is over the provider's limit. With --follow, streams the job's stdout to stdout and stderr to stderr and exits with the job's exit status; with --pull DIR as well, then brings the job's outputs home into DIR (as \`compute pull\` does).`
  static examples = [
    '<%= config.bin %> <%= command.id %> 12 --job job.yaml --follow',
    '<%= config.bin %> <%= command.id %> 12 --job render.yaml --upload scene.blend textures --follow --pull out',
    '<%= config.bin %> <%= command.id %> 12 --job job.json --json',
  ]
  /** Under --json the records are NDJSON, so the closing envelope is one line too. */
  static ndjson = true
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'}),
    follow: Flags.boolean({char: 'f', description: 'Stream the job’s output until it ends'}),
    job: Flags.string({description: 'Job spec file (YAML or JSON)', required: true}),
    prefix: Flags.boolean({description: 'With --follow: label each line with its stream, out| or err|'}),
    pull: Flags.string({dependsOn: ['follow'], description: 'With --follow: once the job ends, pull its outputs into this directory'}),
    timestamps: Flags.boolean({description: 'With --follow: prefix each line with its time'}),
    upload: Flags.string({description: 'A file or directory to put in the job’s work dir before it starts; repeatable', multiple: true}),
  }


  public async run(): Promise<RunJobReport> {
    const {flags} = this
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {runJob} = await import('../../lib/provider/renter.js')
    const {loadJobSpecFile} = await import('../../lib/provider/job-spec.js')
    const dealId = parseDealId(this.args.deal)
    const spec = loadJobSpecFile(flags.job)
    const files = await this.jobFiles(spec, flags.job, flags.upload, flags.pull)
    const target = await this.dealAgent(dealId, flags.endpoint)
    const {end, job, pulled, upload} = await runJob(target, {...this.jobOutput(dealId, flags), ...files, follow: flags.follow, spec})
    if (!flags.follow && !this.jsonEnabled()) this.log(`Job ${job.id} started. Follow it with: nectar compute logs ${dealId} ${job.id} --follow`)
    if (end) process.exitCode = end.exitStatus
    return {dealId, end, endpoint: target.endpoint, job, ...(pulled ? {pulled} : {}), ...(upload ? {upload} : {})}
  }
}
