import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {ExecReport} from '../../lib/provider/exec-session.js'

export default class ComputeExec extends BaseCommand<typeof ComputeExec> {
  static args = {
    deal: Args.string({description: 'Deal id', required: true}),
    job: Args.string({description: 'Job id (a running job)', required: true}),
  }
  static summary = 'Run a command inside a running job.'
  static description = `Runs the command given after -- inside the job: in its container (the engine's exec), or for a process job in its work dir with its env and sandbox. The request is signed with the deal's renter key like every other, and the command's bytes flow over that one connection. Its stdout goes to stdout and its stderr to stderr, and nectar exits with its exit code. With --stdin, this process's input is sent as the command's stdin. Under --json the envelope holds the output (stdout, stderr) and the exit code. Only the renter can run commands, only in a running job of an open deal.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 12 3 -- ls -l /work',
    '<%= config.bin %> <%= command.id %> 12 3 --json -- sh -c "df -h; exit 2"',
    'tar c data | <%= config.bin %> <%= command.id %> 12 3 --stdin -- tar x -C /work',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'}),
    stdin: Flags.boolean({char: 'i', description: 'Send this process’s stdin to the command'}),
  }
  static strict = false
  /** The command comes after `--` (oclif would show the variadic args as DEAL... JOB...). */
  static usage = '<%= command.id %> DEAL JOB [-i] -- CMD...'

  public async run(): Promise<ExecReport> {
    const {flags} = this
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {parseJobId} = await import('../../lib/provider/renter.js')
    const {requireCommand, runExec} = await import('../../lib/provider/exec-session.js')
    const dealId = parseDealId(this.args.deal)
    const jobId = parseJobId(this.args.job)
    const command = requireCommand(this.positionals.slice(2), `nectar compute exec ${dealId} ${jobId} -- ls -l`)
    const target = await this.dealAgent(dealId, flags.endpoint)
    const report = await runExec(target, {collect: this.jsonEnabled(), command, jobId, stderr: process.stderr, stdin: flags.stdin ? process.stdin : undefined, stdout: process.stdout})
    process.exitCode = report.exitStatus
    return report
  }
}
