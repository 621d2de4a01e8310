import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {confirmFlag} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {type RemovedWallet} from '../../lib/wallet/manage.js'

export default class WalletRemove extends BaseCommand<typeof WalletRemove> {
  static args = {
    name: Args.string({description: 'Name of the nectar wallet to delete.', required: true}),
  }
  static summary = 'Delete a nectar keystore file.'
  static description = `Delete a nectar keystore file. Without a backup the key, and whatever the address holds, is lost.
Foundry keystores and the dev accounts are never removed. Asks for confirmation unless --yes.`
  static examples = ['<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> alice --yes --json']
  static flags = {...confirmFlag}

  public async run(): Promise<RemovedWallet> {
    const {forgetDefaultAccount, removableWallet, removeWallet} = await import('../../lib/wallet/manage.js')
    const {name} = this.args
    // Refuse dev accounts and Foundry keystores before asking anything.
    const wallet = removableWallet(this.configDir, name, process.env)
    if (!this.flags.yes && !this.canPrompt()) {
      throw nectarError('CONFIRMATION_REQUIRED', `Removing the wallet ${name} needs confirmation, but there is no terminal to ask.`, {
        hint: 'Pass --yes to confirm in scripts and under --json.',
      })
    }
    await this.confirmOrRefuse(`Delete the keystore ${name} (${wallet.address ?? 'address not recorded'}) at ${wallet.path}? Without a backup its key is lost.`)
    removeWallet(this.configDir, name, process.env)
    const unsetDefault = forgetDefaultAccount(this.configDir, name)
    if (unsetDefault) this.warnUser(`${name} was the default account; the default is now unset.`)
    this.log(`Removed ${name} (${wallet.path}).`)
    return {...wallet, removed: true, unsetDefault}
  }
}
