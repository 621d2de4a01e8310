import {Args} from '@oclif/core'

import {controllerFlag, ControllerOperationCommand} from '../../lib/cli/controller-operation-command.js'
import {parseAmount} from '../../lib/core/amounts.js'

export default class ControllerTopUp extends ControllerOperationCommand<typeof ControllerTopUp> {
  static args = {eth: Args.string({description: 'ETH to add to the controller’s balance for redemption payouts', required: true})}
  static summary = 'Send ETH to the controller to fund redemptions.'
  static description = `Fund redemptions: send ETH to the controller with topUpBalance (anyone may). Refused before sending when the
account cannot pay it.`
  static examples = ['<%= config.bin %> <%= command.id %> 10', '<%= config.bin %> <%= command.id %> 2.5 --controller 0x… --yes --json']
  static flags = {...ControllerOperationCommand.flags, ...controllerFlag}

  protected operation() {
    return {amount: parseAmount(this.args.eth, {label: 'top-up', unit: 'ETH'}), kind: 'topUp'} as const
  }
}
