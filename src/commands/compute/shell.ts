import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'

export default class ComputeShell extends BaseCommand<typeof ComputeShell> {
  static args = {
    deal: Args.string({description: 'Deal id', required: true}),
    job: Args.string({description: 'Job id (a running job)', required: true}),
  }
  static summary = 'Open an interactive shell inside a running job.'
  static description = `A terminal inside the job, over the signed connection to the provider's agent: in its container (the engine's exec with a tty), or for a process job a pty in its work dir with its env and sandbox. This terminal goes into raw mode (every key is sent, Ctrl-C included) and its size follows when the window is resized. Ctrl-D or \`exit\` ends it, and nectar exits with the shell's exit code. Runs sh unless a command is given after --. For scripts, use \`nectar compute exec\`.`
  static examples = ['<%= config.bin %> <%= command.id %> 12 3', '<%= config.bin %> <%= command.id %> 12 3 -- bash -l']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    endpoint: Flags.string({description: 'Agent URL (default: the deal provider’s endpoint on chain)'}),
  }
  static strict = false
  /** The command comes after `--` (oclif would show the variadic args as DEAL... JOB...). */
  static usage = '<%= command.id %> DEAL JOB [-- CMD...]'

  public async run(): Promise<{dealId: bigint; exitCode: number | null; exitStatus: number; jobId: string; signal: string | null}> {
    const {nectarError} = await import('../../lib/core/errors.js')
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {parseJobId} = await import('../../lib/provider/renter.js')
    const dealId = parseDealId(this.args.deal)
    const jobId = parseJobId(this.args.job)
    if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) {
      throw nectarError('NEEDS_TERMINAL', '`nectar compute shell` is interactive: it needs a terminal on stdin and stdout (and has no --json output).', {
        hint: `Run a command without a terminal with \`nectar compute exec ${dealId} ${jobId} -- CMD\` (--json gives its output and exit code).`,
      })
    }
    const command = this.positionals.length > 2 ? this.positionals.slice(2) : ['sh']
    const target = await this.dealAgent(dealId, this.flags.endpoint)
    const {runShell} = await import('../../lib/provider/exec-session.js')
    const exit = await runShell(target, {command, input: process.stdin, jobId, output: process.stdout, term: process.env.TERM || 'xterm'})
    process.exitCode = exit.exitStatus
    return {dealId, exitCode: exit.exitCode, exitStatus: exit.exitStatus, jobId, signal: exit.signal}
  }
}
