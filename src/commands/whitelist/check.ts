import {collectAddresses} from '../../lib/core/address-list.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {type RegistrationCheck} from '../../lib/nectar/whitelist.js'

export default class WhitelistCheck extends BaseCommand<typeof WhitelistCheck> {
  static summary = 'Show whether addresses are registered.'
  static description = `Show whether addresses are registered: the raw list entry (getRegistrationStatus) and the effective status
(isRegistered: everyone counts as registered while the whitelist is off).`
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --json',
  ]
  static flags = {...rpcFlags}
  static strict = false

  public async run(): Promise<RegistrationCheck> {
    if (this.positionals.length === 0) throw nectarError('USAGE', 'Give at least one ADDRESS to check.', {hint: 'e.g. `nectar whitelist check 0x…`.'})
    const addresses = collectAddresses(this.positionals, undefined, {names: await this.accountNames(this.positionals)})
    const controller = await this.tokenController()
    const client = await this.client()
    const {checkRegistrations} = await import('../../lib/nectar/whitelist.js')
    const check = await checkRegistrations(client, {addresses, controller})
    const {registrationTable} = await import('../../lib/cli/nectar-views.js')
    this.log(registrationTable(check))
    if (!check.listActive) this.note('The whitelist is off: every address counts as registered until it is enabled again.')
    return check
  }
}
