import {Args} from '@oclif/core'

import {controllerFlag, ControllerOperationCommand} from '../../../lib/cli/controller-operation-command.js'

export default class ControllerVaultSet extends ControllerOperationCommand<typeof ControllerVaultSet> {
  static args = {address: Args.string({description: 'The new vault: where fees and evacuated ETH go', required: true})}
  static summary = 'Set the vault that receives the fees (owner).'
  static description = `Set the vault (owner): maker and taker fees are forwarded there, and evacuateToVault empties the controller into
it. Refuses the zero address, the token and the controller; nothing is sent when it is already the vault.`
  static examples = ['<%= config.bin %> <%= command.id %> 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720', '<%= config.bin %> <%= command.id %> 0x… --yes --json']
  static flags = {...ControllerOperationCommand.flags, ...controllerFlag}

  protected async operation() {
    return {kind: 'setVault', vault: await this.addressArg(this.args.address, 'vault')} as const
  }
}
