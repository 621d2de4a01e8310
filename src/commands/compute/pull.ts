import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {PullReport} from '../../lib/provider/renter.js'

export default class ComputePull extends BaseCommand<typeof ComputePull> {
  static args = {
    deal: Args.string({description: 'Deal id', required: true}),
    job: Args.string({description: 'Job id', required: true}),
  }
  static summary = 'Bring a job’s outputs home.'
  static description = `Downloads the outputs the job spec declared (outputs:) from the provider's agent as one tar archive, once the job has ended, and unpacks it into --out: byte-exact (the archive's sha256 is checked before anything is written), and never outside --out (entries with .., absolute paths, or links leading out are refused). A cut connection is resumed where it stopped, and so is a pull run again after an interruption. --path pulls only some of the declared outputs. The provider keeps results for a while after the deal ends (provider serve --results-retention).`
  static examples = [
    '<%= config.bin %> <%= command.id %> 12 3 --out results',
    '<%= config.bin %> <%= command.id %> 12 3 --path frames --path log.txt --out ./render',
    '<%= config.bin %> <%= command.id %> 12 3 --out results --json',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'}),
    out: Flags.string({char: 'o', description: 'Directory to unpack the outputs into (created if need be)', required: true}),
    path: Flags.string({description: 'Only this declared output (or a path inside one); repeatable', multiple: true}),
  }

  public async run(): Promise<PullReport> {
    const {flags} = this
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {parseJobId, pulledNote} = await import('../../lib/provider/renter.js')
    const {pullResults} = await import('../../lib/provider/results.js')
    const {transferProgress} = await import('../../lib/cli/progress.js')
    const dealId = parseDealId(this.args.deal)
    const jobId = parseJobId(this.args.job)
    const target = await this.dealAgent(dealId, flags.endpoint)
    const progress = transferProgress('Pulling', {enabled: Boolean(process.stderr.isTTY) && !this.jsonEnabled()})
    const pulled = await pullResults(target, jobId, {onProgress: (n, total) => progress.update(n, total), outDir: flags.out, paths: flags.path})
    progress.done()
    const path = await import('node:path')
    const outDir = path.resolve(flags.out)
    this.log(pulledNote(pulled, outDir))
    return {bytes: pulled.bytes, dealId, files: pulled.files, jobId, outDir}
  }
}
