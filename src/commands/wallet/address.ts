import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {type AccountAddress} from '../../lib/wallet/resolve-account.js'

export default class WalletAddress extends BaseCommand<typeof WalletAddress> {
  static args = {
    name: Args.string({description: 'Wallet name, dev0..dev9 on the devnet, or an address. Default: the active account.'}),
  }
  static summary = 'Print the address of a wallet or the active account.'
  static description = 'Print the address of a wallet, or of the active account. Nothing is decrypted when the keystore records its address.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> alice', '<%= config.bin %> <%= command.id %> alice --json']
  static flags = {...rpcFlags, ...signerFlags}

  public async run(): Promise<AccountAddress> {
    const settings = this.settings()
    const {resolveAccountAddress} = await import('../../lib/wallet/resolve-account.js')
    const name = this.args.name ?? settings.account
    const address = await resolveAccountAddress({
      askPassword: this.canPrompt() ? (message: string) => this.promptPassword(message) : undefined,
      chainId: settings.network.chainId,
      configDir: this.configDir,
      devnet: Boolean(settings.network.devnet),
      env: this.args.name ? {...process.env, NECTAR_PRIVATE_KEY: undefined} : process.env,
      name,
      passwordFile: this.flags['password-file'],
      privateKey: this.args.name ? undefined : this.flags['private-key'],
      warn: (message: string) => this.warnUser(message),
    })
    this.log(address)
    const usedRawKey = !this.args.name && (this.flags['private-key'] !== undefined || Boolean(process.env.NECTAR_PRIVATE_KEY))
    return {address, name: usedRawKey ? null : (name ?? null)}
  }
}
