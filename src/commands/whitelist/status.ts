import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, rpcFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'
import {NectarError} from '../../lib/core/errors.js'
import {type WhitelistStatus as Status} from '../../lib/nectar/whitelist.js'

export default class WhitelistStatus extends BaseCommand<typeof WhitelistStatus> {
  static summary = 'Show the whitelist’s switches and roles.'
  static description = `Show the whitelist's switches and roles: NEC's controller, its owner, whether the list and burning are on, the
number of admins (from AdminAdded/AdminRemoved events where the controller has them), and the roles of the active
account when one is selected (none is needed).`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev1 --json']
  static flags = {...rpcFlags, ...accountFlag}

  public async run(): Promise<Status> {
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const controller = await this.tokenController()
    const account = await this.accountAddress().catch((error: unknown) => {
      if (error instanceof NectarError && error.code === 'NO_ACCOUNT') return undefined
      throw error
    })
    const {getWhitelistStatus} = await import('../../lib/nectar/whitelist.js')
    const status = await getWhitelistStatus(client, {account, controller, nec})
    const {whitelistStatusLines} = await import('../../lib/cli/nectar-views.js')
    this.log(renderKeyValues(whitelistStatusLines(status)))
    return status
  }
}
