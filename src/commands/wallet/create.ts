import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {signerFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type SavedWallet} from '../../lib/wallet/manage.js'
import {newPassword} from '../../lib/wallet/passwords.js'

export default class WalletCreate extends BaseCommand<typeof WalletCreate> {
  static args = {
    name: Args.string({description: 'Name of the new wallet (letters, digits, _ . -).', required: true}),
  }
  static summary = 'Create a new key in an encrypted keystore.'
  static description = 'Create a new random key, encrypted in a Web3 Secret Storage v3 keystore (readable by geth, Foundry and ethers).'
  static examples = [
    '<%= config.bin %> <%= command.id %> alice',
    'NECTAR_PASSWORD=... <%= config.bin %> <%= command.id %> alice --json',
    '<%= config.bin %> <%= command.id %> alice --password-file ./pw.txt',
  ]
  static flags = {
    'password-file': signerFlags['password-file'],
    force: Flags.boolean({description: 'Replace an existing wallet of that name (the old file is kept in keystores/.replaced/).'}),
  }

  public async run(): Promise<SavedWallet> {
    const {validateWalletName} = await import('../../lib/wallet/store.js')
    const name = validateWalletName(this.args.name)
    const password = await newPassword({
      askPassword: this.canPrompt() ? (message) => this.promptPassword(message) : undefined,
      env: process.env,
      passwordFile: this.flags['password-file'],
    })
    const {createWallet, savedWallet} = await import('../../lib/wallet/manage.js')
    const wallet = savedWallet(name, await createWallet(this.configDir, name, password, {force: this.flags.force}), (message) => this.warnUser(message))
    this.log(renderKeyValues([['name', name], ['address', wallet.address], ['keystore', wallet.path]]))
    this.note(`Make it the default with \`${this.config.bin} config set account ${name}\`, or pass --account ${name}.`)
    return wallet
  }
}
