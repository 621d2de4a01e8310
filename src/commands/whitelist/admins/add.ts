import {Args} from '@oclif/core'

import {parseAddress} from '../../../lib/cli/addresses.js'
import {BaseCommand} from '../../../lib/cli/base-command.js'
import {requireContract} from '../../../lib/config/settings.js'

export default class WhitelistAdminsAdd extends BaseCommand<typeof WhitelistAdminsAdd> {
  static args = {address: Args.string({description: 'The address', required: true})}
  static description = `Make an address a whitelist admin (owner): admins may register and deregister holders.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']

  public async run() {
    const target = parseAddress(this.args.address, 'address')
    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const account = await this.signer()
    const {runOwnerOperation} = await import('../../../lib/nectar/run-owner-operation.js')
    const result = await runOwnerOperation(client, {
      account,
      confirm: (preview) => this.confirmTransaction(preview),
      controller,
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
      op: {kind: 'addAdmin', target},
    })
    this.log(result.message)
    return result
  }
}
