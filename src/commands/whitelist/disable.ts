import {OwnerOperationCommand} from '../../lib/cli/owner-operation-command.js'

export default class WhitelistDisable extends OwnerOperationCommand<typeof WhitelistDisable> {
  static summary = 'Turn the whitelist off (owner).'
  static description = `Turn the whitelist off (owner): every address then counts as registered. Nothing is sent when it is already off.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev0 --yes --json']

  protected operation() {
    return {active: false, kind: 'activate'} as const
  }
}
