import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {inputFileFlag, signerFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {newPassword, readPassword, readPasswordFile} from '../../lib/wallet/passwords.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

export default class WalletImport extends BaseCommand<typeof WalletImport> {
  static args = {
    name: Args.string({description: 'Name of the new wallet (letters, digits, _ . -).', required: true}),
  }
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

  public async run(): Promise<{address: `0x${string}`; name: string; path: string; replaced?: string; source: 'nectar'}> {
    const {validateWalletName} = await import('../../lib/wallet/store.js')
    const {parseAddress} = await import('../../lib/core/addresses.js')
    const name = validateWalletName(this.args.name)
    const expectedAddress = this.flags.address ? parseAddress(this.flags.address, 'expected address', {allowZero: true}) : undefined
    const askPassword = this.canPrompt() ? (message: string) => this.promptPassword(message) : undefined
    const sources = {askPassword, env: process.env, passwordFile: this.flags['password-file']}
    const manage = await import('../../lib/wallet/manage.js')

    let result: Awaited<ReturnType<typeof manage.importPrivateKey>>
    if (this.flags.keystore) {
      const file = this.flags.keystore
      const password = await readPassword(sources, `Password of ${file}:`)
      const newPassword = this.flags['new-password-file'] ? readPasswordFile(this.flags['new-password-file']) : undefined
      if (newPassword === '') throw nectarError('EMPTY_PASSWORD', 'The new password is empty; a keystore needs a password.', {hint: 'Put a non-empty password on the first line of --new-password-file.'})
      result = await manage.importKeystoreFile(this.configDir, name, file, password, {env: process.env, expectedAddress, force: this.flags.force, newPassword})
    } else {
      let key: string
      if (this.flags['private-key-stdin']) {
        if (process.stdin.isTTY) this.note('Paste the private key, then press Enter and Ctrl-D.')
        key = await readStdin()
      } else if (this.flags['private-key'] !== undefined) {
        this.warnUser('A private key on the command line stays in your shell history; prefer --private-key-stdin.')
        key = this.flags['private-key']
      } else if (process.env.NECTAR_PRIVATE_KEY) {
        key = process.env.NECTAR_PRIVATE_KEY
      } else if (askPassword) {
        key = await askPassword('Private key (hex):')
      } else {
        throw nectarError('NO_KEY_TO_IMPORT', 'There is no key to import.', {
          hint: 'Pipe the key in with --private-key-stdin, set NECTAR_PRIVATE_KEY, or give a keystore file with --keystore FILE.',
        })
      }
      const password = await newPassword(sources)
      result = await manage.importPrivateKey(this.configDir, name, key, password, {env: process.env, expectedAddress, force: this.flags.force})
    }

    if (result.replaced) this.warnUser(`The old keystore ${name} was moved to ${result.replaced}.`)
    if (result.duplicates.length > 0) this.warnUser(`The same address is also in: ${result.duplicates.join(', ')}.`)
    this.log(renderKeyValues([['name', name], ['address', result.address], ['keystore', result.path]]))
    return {address: result.address, name, path: result.path, ...(result.replaced ? {replaced: result.replaced} : {}), source: 'nectar'}
  }
}
