import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'
import {type WhitelistStatus as Status} from '../../lib/nectar/whitelist.js'

export default class WhitelistStatus extends BaseCommand<typeof WhitelistStatus> {
  static description = `Show the whitelist's switches and roles: owner, whether the list and burning are on, the number of admins (from
AdminAdded/AdminRemoved events where the controller has them), and the active account's roles.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev1 --json']
  static flags = {...rpcFlags, ...accountFlag}

  public async run(): Promise<Status> {
    const settings = this.settings()
    const nec = requireContract(settings, 'nec')
    const controller = requireContract(settings, 'controller')
    const client = await this.client()
    const account = await this.accountAddress()
    const {getWhitelistStatus} = await import('../../lib/nectar/whitelist.js')
    const status = await getWhitelistStatus(client, {account, controller, nec})
    const {whitelistStatusLines} = await import('../../lib/cli/nectar-views.js')
    this.log(renderKeyValues(whitelistStatusLines(status)))
    return status
  }
}
