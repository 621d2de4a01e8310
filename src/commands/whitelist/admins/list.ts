import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags} from '../../../lib/cli/flags.js'
import {nectarError} from '../../../lib/core/errors.js'
import {requireContract} from '../../../lib/config/settings.js'

export default class WhitelistAdminsList extends BaseCommand<typeof WhitelistAdminsList> {
  static description = `List the whitelist admins, rebuilt from the controller's AdminAdded/AdminRemoved events and checked against
isAdmin. The mainnet controller emits no admin events, so there the list cannot be read.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {...rpcFlags}

  public async run() {
    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const w = await import('../../../lib/nectar/whitelist.js')
    if (!(await w.hasEvents(client, controller, [w.ADMIN_ADDED_TOPIC, w.ADMIN_REMOVED_TOPIC]))) {
      throw nectarError('NO_ADMIN_EVENTS', `The controller ${controller} emits no AdminAdded/AdminRemoved events, so its admins cannot be listed here.`, {
        hint: 'Ask about one address with `nectar whitelist status --account ADDRESS` (it calls isAdmin).',
      })
    }
    const {members, toBlock} = await w.replayMembership(client, {added: w.ADMIN_ADDED_TOPIC, removed: w.ADMIN_REMOVED_TOPIC}, {controller})
    const owner = (await w.getAccountRoles(client, {account: controller, controller})).owner
    for (const m of members) this.log(m.toLowerCase() === owner.toLowerCase() ? `${m} (owner)` : m)
    this.note(`${members.length} admin${members.length === 1 ? '' : 's'} as of block ${toBlock}`)
    return {admins: members, block: toBlock.toString(), count: members.length, owner}
  }
}
