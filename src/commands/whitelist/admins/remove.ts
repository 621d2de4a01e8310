import {Args} from '@oclif/core'

import {OwnerOperationCommand} from '../../../lib/cli/owner-operation-command.js'

export default class WhitelistAdminsRemove extends OwnerOperationCommand<typeof WhitelistAdminsRemove> {
  static args = {address: Args.string({description: 'An address or an account name', required: true})}
  static summary = 'Remove a whitelist admin (owner).'
  static description = `Remove a whitelist admin (owner). Refuses, sending nothing, when the address is not an admin.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']

  protected async operation() {
    const target = await this.addressArg(this.args.address, 'address')
    return {kind: 'removeAdmin', target} as const
  }
}
