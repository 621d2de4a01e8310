import {Args} from '@oclif/core'

import {parseAddress} from '../../lib/cli/addresses.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {requireContract} from '../../lib/config/settings.js'

export default class MakersDeauthorise extends BaseCommand<typeof MakersDeauthorise> {
  static args = {address: Args.string({description: 'The address', required: true})}
  static description = `Withdraw a maker-fee source's authorisation (owner). It stays registered on the whitelist. Refuses when the address is not an authorised maker.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']

  public async run() {
    const target = parseAddress(this.args.address, 'address')
    const controller = requireContract(this.settings(), 'controller')
    const client = await this.client()
    const account = await this.signer()
    const {runOwnerOperation} = await import('../../lib/nectar/run-owner-operation.js')
    const result = await runOwnerOperation(client, {
      account,
      confirm: (preview) => this.confirmTransaction(preview),
      controller,
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
      op: {kind: 'deauthoriseMaker', target},
    })
    this.log(result.message)
    return result
  }
}
