import {BaseCommand} from '../lib/cli/base-command.js'
import {rpcFlags} from '../lib/cli/flags.js'
import {renderKeyValues} from '../lib/cli/render.js'
import {requireContract} from '../lib/config/settings.js'
import {type SupplyReport} from '../lib/nectar/reads.js'

export default class Supply extends BaseCommand<typeof Supply> {
  static summary = 'Show NEC supply, issuance rate, window and redemption.'
  static description = `Show NEC supply and issuance state: total and initial supply, pledged fees, the current 30-day window,
the v2 issuance rate now (NEC per ETH of fees), NEC left under the 2,000,000,000 cap, and the ETH paid per NEC on redemption.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --network mainnet --rpc-url https://eth.example.org --json']
  static flags = {...rpcFlags}

  public async run(): Promise<SupplyReport> {
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const {readSupplyReport} = await import('../lib/nectar/reads.js')
    const report = await readSupplyReport(client, {nec})
    const {supplyLines} = await import('../lib/cli/nectar-views.js')
    this.log(renderKeyValues(supplyLines(report)))
    return report
  }
}
