import {collectAddresses} from '../../lib/core/address-list.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderTable} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'

export default class WhitelistCheck extends BaseCommand<typeof WhitelistCheck> {
  static description = `Show whether addresses are registered: the raw list entry (getRegistrationStatus) and the effective status
(isRegistered: everyone counts as registered while the whitelist is off).`
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --json',
  ]
  static flags = {...rpcFlags}
  static strict = false

  public async run() {
    if (this.positionals.length === 0) throw nectarError('USAGE', 'Give at least one ADDRESS to check.', {hint: 'e.g. `nectar whitelist check 0x…`.'})
    const addresses = collectAddresses(this.positionals, undefined)
    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const {getRegistrationStatuses} = await import('../../lib/nectar/whitelist.js')
    const {assertContract} = await import('../../lib/nectar/reads.js')
    const {nectarControllerAbi} = await import('../../lib/contracts/generated/index.js')
    await assertContract(client, controller, 'controller')
    const [listActive, statuses] = await Promise.all([
      client.readContract({abi: nectarControllerAbi, address: controller, functionName: 'listActive'}),
      getRegistrationStatuses(client, {addresses, controller}),
    ])
    const entries = addresses.map((address, i) => ({address, effective: !listActive || statuses[i], registered: statuses[i]}))
    this.log(renderTable(['address', 'on list', 'may hold/transfer'], entries.map((e) => [e.address, e.registered ? 'yes' : 'no', e.effective ? 'yes' : 'no'])))
    if (!listActive) this.note('The whitelist is off: every address counts as registered until it is enabled again.')
    return {addresses: entries, listActive}
  }
}
