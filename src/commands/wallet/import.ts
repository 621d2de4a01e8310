import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {inputFileFlag, signerFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {readStdin} from '../../lib/cli/stdin.js'
import {type SavedWallet} from '../../lib/wallet/manage.js'

export default class WalletImport extends BaseCommand<typeof WalletImport> {
  static args = {
    name: Args.string({description: 'Name of the new wallet (letters, digits, _ . -).', required: true}),
  }
  static summary = 'Import a private key or a keystore file.'
  static description = `Import a key into a new encrypted keystore: a raw private key (from stdin, NECTAR_PRIVATE_KEY or a prompt), or another v3 keystore file (geth, Foundry, ethers, MetaMask export).
A keystore file is decrypted with its password (--password-file, NECTAR_PASSWORD or the prompt) and re-encrypted with geth's standard scrypt under the same password, unless --new-password-file is given.`
  static examples = [
    'echo "$KEY" | NECTAR_PASSWORD=... <%= config.bin %> <%= command.id %> alice --private-key-stdin',
    '<%= config.bin %> <%= command.id %> bob --keystore ~/.ethereum/keystore/UTC--2024-01-01T00-00-00.000Z--0123...',
    '<%= config.bin %> <%= command.id %> bob --keystore ./bob.json --address 0x0123... --json',
  ]
  static flags = {
    'password-file': signerFlags['password-file'],
    'private-key': signerFlags['private-key'],
    address: Flags.string({description: 'Refuse the import unless the key belongs to this address.'}),
    force: Flags.boolean({description: 'Replace an existing wallet of that name (the old file is kept in keystores/.replaced/).'}),
    keystore: inputFileFlag({description: 'Import this v3 keystore file.', exclusive: ['private-key-stdin']}),
    'new-password-file': inputFileFlag({description: 'With --keystore: encrypt the imported key under the password in this file instead of the old one.', dependsOn: ['keystore']}),
    'private-key-stdin': Flags.boolean({description: 'Read the raw private key from stdin.'}),
  }

  public async run(): Promise<SavedWallet> {
    const {flags} = this
    const {importWallet} = await import('../../lib/wallet/manage.js')
    const wallet = await importWallet(this.configDir, {
      expectedAddress: flags.address,
      force: flags.force,
      keystore: flags.keystore,
      name: this.args.name,
      newPasswordFile: flags['new-password-file'],
      privateKey: flags['private-key'],
      privateKeyStdin: flags['private-key-stdin'],
    }, {
      askPassword: this.canPrompt() ? (message: string) => this.promptPassword(message) : undefined,
      env: process.env,
      passwordFile: flags['password-file'],
      readStdin: () => readStdin((message) => this.note(message)),
      warn: (message) => this.warnUser(message),
    })
    this.log(renderKeyValues([['name', wallet.name], ['address', wallet.address], ['keystore', wallet.path]]))
    return wallet
  }
}
