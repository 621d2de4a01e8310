import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'

export default class WhitelistStatus extends BaseCommand<typeof WhitelistStatus> {
  static description = `Show the whitelist's switches and roles: owner, whether the list and burning are on, the number of admins (from
AdminAdded/AdminRemoved events where the controller has them), and the active account's roles.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev1 --json']
  static flags = {...rpcFlags, ...accountFlag}

  public async run() {
    const settings = this.settings()
    const nec = requireContract(settings, 'nec')
    const controller = requireContract(settings, 'controller')
    const client = await this.client()
    const account = await this.accountAddress()
    const w = await import('../../lib/nectar/whitelist.js')
    const {necAbi} = await import('../../lib/contracts/generated/index.js')
    const [roles, burningEnabled, adminEvents] = await Promise.all([
      w.getAccountRoles(client, {account, controller}),
      client.readContract({abi: necAbi, address: nec, functionName: 'burningEnabled'}),
      w.hasEvents(client, controller, [w.ADMIN_ADDED_TOPIC, w.ADMIN_REMOVED_TOPIC]),
    ])
    const admins = adminEvents ? (await w.replayMembership(client, {added: w.ADMIN_ADDED_TOPIC, removed: w.ADMIN_REMOVED_TOPIC}, {controller})).members : undefined
    this.log(renderKeyValues([
      ['controller', controller],
      ['owner', roles.owner],
      ['whitelist', roles.listActive ? 'active (transfers need both ends registered)' : 'off (everyone counts as registered)'],
      ['burning', burningEnabled ? 'enabled' : 'disabled'],
      ['admins', admins ? String(admins.length) : 'unknown (this controller emits no admin events)'],
      ['account', account],
      ['roles', roles.roles.join(', ')],
    ]))
    return {
      account,
      adminCount: admins ? admins.length : null,
      burningEnabled,
      controller,
      listActive: roles.listActive,
      owner: roles.owner,
      role: roles.roles[0],
      roles: roles.roles,
    }
  }
}
