import {Args} from '@oclif/core'

import {OwnerOperationCommand} from '../../lib/cli/owner-operation-command.js'

export default class MakersDeauthorise extends OwnerOperationCommand<typeof MakersDeauthorise> {
  static args = {address: Args.string({description: 'An address or an account name', required: true})}
  static summary = 'Withdraw a maker-fee source’s authorisation (owner).'
  static description = `Withdraw a maker-fee source's authorisation (owner). It stays registered on the whitelist. Refuses when the address is not an authorised maker.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']

  protected async operation() {
    const target = await this.addressArg(this.args.address, 'address')
    return {kind: 'deauthoriseMaker', target} as const
  }
}
