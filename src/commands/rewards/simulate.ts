import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {type SimulationReport} from '../../lib/nectar/projection.js'

export default class RewardsSimulate extends BaseCommand<typeof RewardsSimulate> {
  static summary = 'Project your NEC rewards period by period.'
  static description = `Project your NEC rewards period by period (30-day windows). Each period mints exactly what the controller
would mint for that period's maker fees at the window-snapshot supply; your part is your share of maker volume.
Pledged fees grow by --pledge-ratio of each period's fees; ETH per NEC is pledged fees / supply after the period.
Without --supply the start (supply at the window snapshot, pledged fees, window) is read from the active network
when it answers, else the initial supply of 1,000,000,000 NEC is used; the output says which.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --fees 500 --share 2',
    '<%= config.bin %> <%= command.id %> --fees 500 --share 2 --share 5 --periods 6',
    '<%= config.bin %> <%= command.id %> --fees 500 --share 2 --periods 24 --chart',
    '<%= config.bin %> <%= command.id %> --volume 2000000 --fee-rate 0.1 --my-volume 30000 --total-volume 2000000 --periods 24 --fee-growth 3',
    '<%= config.bin %> <%= command.id %> --fees 1000 --share 1 --supply 1500000000 --pledged 20000 --offline --csv',
    '<%= config.bin %> <%= command.id %> --fees 2580.9 --share 100 --periods 1 --supply 1002626948 --curve v2 --json',
  ]
  static flags = {
    ...rpcFlags,
    chart: Flags.boolean({description: 'Also plot your cumulative NEC and its ETH value per period'}),
    csv: Flags.boolean({description: 'Print every field as CSV'}),
    curve: Flags.string({default: 'v2', description: 'Issuance equation', options: ['v2', 'v1']}),
    'fee-growth': Flags.string({default: '0', description: 'Growth of fees per period, percent (may be negative)'}),
    'fee-rate': Flags.string({description: 'Maker fee rate, percent of volume (with --volume)'}),
    fees: Flags.string({description: 'Maker fees per period, ETH'}),
    'my-volume': Flags.string({description: 'Your maker volume per period (with --total-volume), instead of --share'}),
    offline: Flags.boolean({description: 'Do not contact the chain; start from --supply or the initial supply'}),
    periods: Flags.string({default: '12', description: 'Number of 30-day periods, 1 to 1200'}),
    'pledge-ratio': Flags.string({default: '0.5', description: 'Fraction of each period’s fees pledged to NEC holders, 0 to 1'}),
    pledged: Flags.string({description: 'Pledged fees at the start, ETH (default: live, else 0)'}),
    share: Flags.string({description: 'Your share of maker volume, percent (repeat for one column each)', multiple: true}),
    supply: Flags.string({description: 'Supply at the first window snapshot, NEC (default: live, else the initial supply)'}),
    'total-volume': Flags.string({description: 'Total maker volume per period (with --my-volume)'}),
    volume: Flags.string({description: 'Maker volume per period, ETH (with --fee-rate), instead of --fees'}),
  }

  public async run(): Promise<SimulationReport> {
    const {parseProjection, projectRewards} = await import('../../lib/nectar/projection.js')
    const request = parseProjection(this.flags)
    const {report, rows} = await projectRewards(request, this.necSource())
    if (this.jsonEnabled()) return report
    for (const n of report.notes) this.note(n)
    if (this.flags.csv) {
      const {periodsCsv} = await import('../../lib/nectar/simulate.js')
      process.stdout.write(periodsCsv(rows, request.shares))
    } else {
      const {simulationCharts, simulationTable} = await import('../../lib/cli/rewards-views.js')
      if (this.flags.chart) this.log(simulationCharts(rows, request.shares) + '\n')
      this.log(simulationTable(rows, request.shares))
    }
    return report
  }
}
