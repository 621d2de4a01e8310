import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {nectarError} from '../../lib/core/errors.js'
import {type DistributionReport} from '../../lib/nectar/distribute-rewards.js'

export default class RewardsDistribute extends BaseCommand<typeof RewardsDistribute> {
  static summary = 'Split one period’s rewards over makers by volume.'
  static description = `Split one period's rewards over makers by volume, exactly. The NEC total is the v2 issuance for --fees at the
window's snapshot supply (read from the chain, or --supply). Each maker gets floor(total × volume / total volume) and
the few wei left go one each to the largest fractional parts (ties: lower address first), so the allocations add
up to the total exactly. The pledged fees (--pledged, default --fees × --pledge-ratio 0.5) are split the same way.
Input rows are "address,volume" (header optional, # comments skipped); duplicate addresses are merged with a
warning; a bad row stops the run before anything is written, naming its line. The file is streamed.
The output CSV (address,volume,tokens,tokensWei,pledgedWei; addresses in lower case) starts with a
"# nectar-allocations v1 total=… pledged=… makers=…" line that \`rewards issue\` checks before minting.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --volumes volumes.csv --fees 2580.9 --out allocations.csv',
    '<%= config.bin %> <%= command.id %> --volumes volumes.csv --fees 500 --supply 1002626948 --out allocations.csv --json',
    '<%= config.bin %> <%= command.id %> --volumes volumes.csv --fees 500 --pledged 500 --supply 1000000000 --out allocations.csv',
  ]
  static flags = {
    ...rpcFlags,
    fees: Flags.string({description: 'Maker fees of the period, ETH: the NEC total is their v2 issuance', required: true}),
    out: Flags.string({description: 'Write the allocations CSV here (default: stdout; required with --json)'}),
    'pledge-ratio': Flags.string({default: '0.5', description: 'Pledged fees as a fraction of --fees, 0 to 1 (when --pledged is not given)'}),
    pledged: Flags.string({description: 'Total fees to pledge with the mints, ETH (overrides --pledge-ratio)'}),
    supply: Flags.string({description: 'Supply at the window snapshot, NEC (default: read from the chain)'}),
    volumes: Flags.string({description: 'CSV of address,volume rows', required: true}),
  }

  public async run(): Promise<DistributionReport> {
    const {distributeRewards, parseDistributeRequest} = await import('../../lib/nectar/distribute-rewards.js')
    const request = parseDistributeRequest(this.flags)
    if (this.jsonEnabled() && request.out === undefined) throw nectarError('OUT_REQUIRED', 'Under --json the allocations need a file.', {hint: 'Pass --out allocations.csv.'})
    const {report, summary} = await distributeRewards(request, this.necSource(), (message) => this.warnUser(message))
    if (request.out) this.log(renderKeyValues(summary))
    else this.note(renderKeyValues(summary))
    return report
  }
}
