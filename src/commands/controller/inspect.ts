import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {parseAddress} from '../../lib/core/addresses.js'
import {type ControllerInspectionReport} from '../../lib/nectar/controller.js'

export default class ControllerInspect extends BaseCommand<typeof ControllerInspect> {
  static args = {address: Args.string({description: 'The candidate controller', required: true})}
  static summary = 'Compare a candidate controller with the current one.'
  static description = `Show a candidate controller beside NEC's current one: owner, vault, token, window start and snapshot blocks,
initial supply, whitelist and burning switches, ETH held, the version (v1 or v2), and the issuance of both at sample
supplies side by side (v1's curve where one of them is v1); then what an upgrade would change.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x…', '<%= config.bin %> <%= command.id %> 0x… --json']
  static flags = {...rpcFlags}

  public async run(): Promise<ControllerInspectionReport> {
    const candidate = parseAddress(this.args.address, 'candidate')
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    await this.tokenController()
    const {inspectCandidate, inspectionReport} = await import('../../lib/nectar/controller.js')
    const inspection = await inspectCandidate(client, {candidate, nec})
    const {inspectionText} = await import('../../lib/cli/controller-views.js')
    this.log(inspectionText(inspection))
    return inspectionReport(inspection)
  }
}
