import {Args} from '@oclif/core'

import {OwnerOperationCommand} from '../../lib/cli/owner-operation-command.js'

export default class MakersAuthorise extends OwnerOperationCommand<typeof MakersAuthorise> {
  static args = {address: Args.string({description: 'An address or an account name', required: true})}
  static summary = 'Authorise a maker-fee source (owner).'
  static description = `Authorise a maker-fee source (owner): it may then call contributeForMakers. The controller also registers it, through register(), so the owner must also be a whitelist admin; this is checked first.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']

  protected async operation() {
    const target = await this.addressArg(this.args.address, 'address')
    return {kind: 'authoriseMaker', target} as const
  }
}
