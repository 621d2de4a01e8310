import {controllerFlag, ControllerOperationCommand} from '../../lib/cli/controller-operation-command.js'

export default class ControllerEvacuate extends ControllerOperationCommand<typeof ControllerEvacuate> {
  static summary = 'Move the controller’s ETH to its vault (owner).'
  static description = `Move all of the controller's ETH to its vault with evacuateToVault (owner). Nothing is sent when it holds none;
after an upgrade, empty the old controller with --controller OLD.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --controller 0x… --yes --json']
  static flags = {...ControllerOperationCommand.flags, ...controllerFlag}

  protected operation() {
    return {kind: 'evacuate'} as const
  }
}
