
import {BaseCommand} from '../../lib/cli/base-command.js'
import {requireContract} from '../../lib/config/settings.js'

export default class WhitelistEnable extends BaseCommand<typeof WhitelistEnable> {

  static description = `Turn the whitelist on (owner): transfers then need both ends registered. Nothing is sent when it is already on.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev0 --yes --json']

  public async run() {

    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const account = await this.signer()
    const {runOwnerOperation} = await import('../../lib/nectar/run-owner-operation.js')
    const result = await runOwnerOperation(client, {
      account,
      confirm: (preview) => this.confirmTransaction(preview),
      controller,
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
      op: {active: true, kind: 'activate'},
    })
    this.log(result.message)
    return result
  }
}
