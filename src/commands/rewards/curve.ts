import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {type CurveReport} from '../../lib/nectar/curve-report.js'

export default class RewardsCurve extends BaseCommand<typeof RewardsCurve> {
  static summary = 'Show the issuance rate against supply.'
  static description = `Show the issuance rate (NEC minted per ETH of maker fees) against supply: an ASCII chart and a table.
v2 (the live controller): 1000 × (2 − S/S0)², 0 from the 2,000,000,000 cap. v1 (Feb–Apr 2018): 1000 × S / (S0 + 1000 × F),
which also depends on the pledged fees F (--pledged; default the live pledged fees, else 0). Rates are exact: what the
controller mints for 1 ETH of fees at that window snapshot supply. The live supply is marked when a chain is reachable.`
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --from 1000000000 --to 1500000000 --points 11 --curve both',
    '<%= config.bin %> <%= command.id %> --csv > curve.csv',
    '<%= config.bin %> <%= command.id %> --offline --json',
  ]
  static flags = {
    ...rpcFlags,
    csv: Flags.boolean({description: 'Print the points as CSV (exact decimals) instead of the chart and table'}),
    curve: Flags.string({default: 'v2', description: 'Which equation', options: ['v1', 'v2', 'both']}),
    from: Flags.string({description: 'Lowest supply, NEC (default: the initial supply, 1,000,000,000)'}),
    offline: Flags.boolean({description: 'Do not contact the chain (no live supply mark)'}),
    pledged: Flags.string({description: 'Pledged fees in ETH for the v1 curve (default: live, else 0)'}),
    points: Flags.string({default: '21', description: 'Number of points, 2 to 10000'}),
    to: Flags.string({description: 'Highest supply, NEC (default: twice the initial supply)'}),
  }

  public async run(): Promise<CurveReport> {
    const {curveCsv, curveReport, parseCurveRequest} = await import('../../lib/nectar/curve-report.js')
    const request = parseCurveRequest(this.flags)
    const chart = await curveReport(request, this.necSource())
    if (this.jsonEnabled()) return chart.report
    if (this.flags.csv) {
      this.log(curveCsv(chart.report, request.curves))
      this.note(chart.report.note)
    } else {
      const {curveView} = await import('../../lib/cli/rewards-views.js')
      this.log(curveView(chart, request))
    }
    return chart.report
  }
}
