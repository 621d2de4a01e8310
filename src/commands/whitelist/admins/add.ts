import {Args} from '@oclif/core'

import {OwnerOperationCommand} from '../../../lib/cli/owner-operation-command.js'

export default class WhitelistAdminsAdd extends OwnerOperationCommand<typeof WhitelistAdminsAdd> {
  static args = {address: Args.string({description: 'An address or an account name', required: true})}
  static summary = 'Make an address a whitelist admin (owner).'
  static description = `Make an address a whitelist admin (owner): admins may register and deregister holders.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']

  protected async operation() {
    const target = await this.addressArg(this.args.address, 'address')
    return {kind: 'addAdmin', target} as const
  }
}
