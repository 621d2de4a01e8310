import {ControllerOperationCommand} from '../../../lib/cli/controller-operation-command.js'

export default class ControllerBurningEnable extends ControllerOperationCommand<typeof ControllerBurningEnable> {
  static summary = 'Enable burning: allow redemptions (owner).'
  static description = `Enable burning (owner): holders may then redeem NEC for their share of the pledged fees (\`nectar redeem\`).
Nothing is sent when it is already enabled; a warning when the controller holds no ETH to pay out.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev0 --yes --json']

  protected operation() {
    return {enabled: true, kind: 'burning'} as const
  }
}
