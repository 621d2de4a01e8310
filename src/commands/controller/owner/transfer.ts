import {Args} from '@oclif/core'

import {controllerFlag, ControllerOperationCommand} from '../../../lib/cli/controller-operation-command.js'

export default class ControllerOwnerTransfer extends ControllerOperationCommand<typeof ControllerOwnerTransfer> {
  static args = {address: Args.string({description: 'The new owner', required: true})}
  static summary = 'Transfer the controller’s ownership (owner).'
  static description = `Transfer the controller's ownership (owner) with changeOwner. There is no second step: the new owner holds every
owner power at once. Warns when the new owner is not a whitelist admin (it could not authorise makers).`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x… --controller 0x… --yes --json']
  static flags = {...ControllerOperationCommand.flags, ...controllerFlag}

  protected async operation() {
    return {kind: 'changeOwner', owner: await this.addressArg(this.args.address, 'new owner')} as const
  }
}
