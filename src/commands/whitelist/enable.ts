import {OwnerOperationCommand} from '../../lib/cli/owner-operation-command.js'

export default class WhitelistEnable extends OwnerOperationCommand<typeof WhitelistEnable> {
  static summary = 'Turn the whitelist on (owner).'
  static description = `Turn the whitelist on (owner): transfers then need both ends registered. Nothing is sent when it is already on.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev0 --yes --json']

  protected operation() {
    return {active: true, kind: 'activate'} as const
  }
}
