import {ControllerOperationCommand} from '../../../lib/cli/controller-operation-command.js'

export default class ControllerBurningDisable extends ControllerOperationCommand<typeof ControllerBurningDisable> {
  static summary = 'Disable burning: refuse redemptions (owner).'
  static description = `Disable burning (owner): redemptions are refused until it is enabled again. Nothing is sent when it is already disabled.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev0 --yes --json']

  protected operation() {
    return {enabled: false, kind: 'burning'} as const
  }
}
