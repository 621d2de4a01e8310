import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {confirmFlag} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'

export default class WalletRemove extends BaseCommand<typeof WalletRemove> {
  static args = {
    name: Args.string({description: 'Name of the nectar wallet to delete.', required: true}),
  }
  static description = `Delete a nectar keystore file. Without a backup the key, and whatever the address holds, is lost.
Foundry keystores and the dev accounts are never removed. Asks for confirmation unless --yes.`
  static examples = ['<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> alice --yes --json']
  static flags = {...confirmFlag}

  public async run(): Promise<{address: `0x${string}` | null; name: string; path: string; removed: true; unsetDefault: boolean}> {
    const {findKeystore, removeKeystore, unknownWallet} = await import('../../lib/wallet/store.js')
    const {isDevAccountName} = await import('../../lib/wallet/dev-accounts.js')
    const name = this.args.name
    // Refuse dev accounts and Foundry keystores before asking anything.
    const stored = isDevAccountName(name) ? undefined : findKeystore(this.configDir, name, process.env)
    if (!stored || stored.source === 'foundry') removeKeystore(this.configDir, name, process.env) // throws the right error
    if (!stored) throw unknownWallet(this.configDir, name, process.env)

    if (!this.flags.yes && !this.canPrompt()) {
      throw nectarError('CONFIRMATION_REQUIRED', `Removing the wallet ${name} needs confirmation, but there is no terminal to ask.`, {
        hint: 'Pass --yes to confirm in scripts and under --json.',
      })
    }
    const {getAddress} = await import('viem')
    const address = stored.address ? getAddress(stored.address) : null
    await this.confirmOrRefuse(`Delete the keystore ${name} (${address ?? 'address not recorded'}) at ${stored.path}? Without a backup its key is lost.`)
    removeKeystore(this.configDir, name, process.env)

    let unsetDefault = false
    if (this.loadConfig().account === name) {
      const {updateConfig} = await import('../../lib/config/store.js')
      updateConfig(this.configDir, (config) => {
        delete config.account
      })
      unsetDefault = true
      this.warnUser(`${name} was the default account; the default is now unset.`)
    }
    this.log(`Removed ${name} (${stored.path}).`)
    return {address, name, path: stored.path, removed: true, unsetDefault}
  }
}
