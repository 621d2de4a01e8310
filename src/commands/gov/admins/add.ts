import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../../lib/cli/flags.js'
import {requireContract} from '../../../lib/config/settings.js'
import {type AdminChangeResult} from '../../../lib/nectar/governance-write.js'

export default class GovAdminsAdd extends BaseCommand<typeof GovAdminsAdd> {
  static args = {address: Args.string({description: 'An address or an account name', required: true})}
  static summary = 'Make an address a governance admin.'
  static description = `Make an address a governance admin (any admin may): admins approve and deny proposals.`
  static examples = ['<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  public async run(): Promise<AdminChangeResult> {
    const target = await this.addressArg(this.args.address, 'address')
    const manager = requireContract(this.settings(), 'proposalManager')
    const client = await this.client()
    const {changeGovAdmin} = await import('../../../lib/nectar/governance-write.js')
    const result = await changeGovAdmin(client, {add: true, manager, target}, await this.sendOptions())
    this.log(result.changed ? `${result.action}: done in ${result.txHash}.` : `${target} is already a governance admin; nothing was sent.`)
    return result
  }
}
