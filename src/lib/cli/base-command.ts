// The oclif glue: the only module under src/lib that imports oclif. Commands extend it; everything
// they call lives in plain src/lib modules.
import {Command, Flags, Interfaces} from '@oclif/core'
import {type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {type TxPreview} from '../chain/transact.js'
import {type ConfigData, readConfig} from '../config/store.js'
import {requireContract, type Settings, requireRpcUrl, resolveSettings} from '../config/settings.js'
import {NectarError, nectarError} from '../core/errors.js'
import {createProgress, type Progress} from './progress.js'
import {color, renderKeyValues, toJsonText} from './render.js'
import {toNectarError} from '../core/to-nectar-error.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = {
    account: Flags.string({char: 'a', description: 'Account: keystore name, address, or dev0..dev9 on the devnet. Env: NECTAR_ACCOUNT.', helpGroup: 'GLOBAL'}),
    debug: Flags.boolean({description: 'Show full errors with stack traces.', helpGroup: 'GLOBAL'}),
    network: Flags.string({char: 'n', description: 'Network profile to use. Env: NECTAR_NETWORK.', helpGroup: 'GLOBAL'}),
    'password-file': Flags.file({description: 'Read the keystore password from this file. Env: NECTAR_PASSWORD.', helpGroup: 'GLOBAL'}),
    'private-key': Flags.string({description: 'Sign with this raw private key (discouraged; prefer a keystore). Env: NECTAR_PRIVATE_KEY.', helpGroup: 'GLOBAL'}),
    'rpc-url': Flags.string({char: 'r', description: 'JSON-RPC URL. Env: NECTAR_RPC_URL, ETH_RPC_URL.', helpGroup: 'GLOBAL'}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.', helpGroup: 'GLOBAL'}),
  }
  static enableJsonFlag = true

  protected args!: CommandArgs<T>
  /** All positional arguments, for commands with `strict = false` (variadic). */
  protected positionals: string[] = []
  protected flags!: CommandFlags<T>
  private cachedClient?: Promise<ChainClient>
  private cachedConfig?: ConfigData
  private cachedSettings?: Settings
  private cachedSigner?: Promise<LocalAccount>

  protected get configDir(): string {
    return this.config.configDir
  }

  protected get dataDir(): string {
    return this.config.dataDir
  }

  public async init(): Promise<void> {
    await super.init()
    process.once('SIGINT', () => {
      if (!this.jsonEnabled()) process.stderr.write('\nInterrupted.\n')
      process.exit(130)
    })
    const {args, argv, flags} = await this.parse(this.ctor as typeof BaseCommand)
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.positionals = argv as string[]
  }

  /** The config file, read once per command. */
  protected loadConfig(): ConfigData {
    this.cachedConfig ??= readConfig(this.configDir)
    return this.cachedConfig
  }

  /** Network, RPC URL and account after flag > env > config > default. */
  protected settings(): Settings {
    this.cachedSettings ??= resolveSettings(this.flags as never, process.env, this.loadConfig())
    return this.cachedSettings
  }

  /** A public client for the active network, with its chain id checked against the profile. */
  protected client(): Promise<ChainClient> {
    this.cachedClient ??= (async () => {
      const settings = this.settings()
      const rpcUrl = requireRpcUrl(settings)
      const {assertChainId, createChainClient} = await import('../chain/client.js')
      const client = createChainClient(rpcUrl, settings.network.chainId, settings.network.name)
      await assertChainId(client, settings.network.chainId, settings.network.name)
      return client
    })()
    return this.cachedClient
  }

  /** The address of the active account, without decrypting anything. */
  protected async accountAddress(): Promise<`0x${string}`> {
    const {resolveAccountAddress} = await import('../wallet/resolve-account.js')
    return resolveAccountAddress(this.accountOptions())
  }

  /** The signing account (decrypts a keystore once, asking for the password when there is a terminal). */
  protected signer(): Promise<LocalAccount> {
    this.cachedSigner ??= import('../wallet/resolve-account.js').then(({resolveAccount}) => resolveAccount(this.accountOptions()))
    return this.cachedSigner
  }

  private accountOptions() {
    const settings = this.settings()
    return {
      askPassword: this.canPrompt() ? (message: string) => this.promptPassword(message) : undefined,
      chainId: settings.network.chainId,
      configDir: this.configDir,
      devnet: Boolean(settings.network.devnet),
      env: process.env,
      name: settings.account,
      passwordFile: this.flags['password-file'],
      privateKey: this.flags['private-key'],
      warn: (message: string) => this.warnUser(message),
    }
  }

  /**
   * How to reach the provider agent of a deal, signing as the active account: `endpoint` when given,
   * else the deal's provider's endpoint from the registry on chain.
   */
  protected async dealAgent(dealId: bigint, endpoint?: string) {
    const settings = this.settings()
    const {dealTarget} = await import('../provider/renter.js')
    return dealTarget({
      account: await this.signer(),
      chain: async () => ({client: await this.client(), market: requireContract(settings, 'market'), registry: requireContract(settings, 'registry')}),
      chainId: settings.network.chainId,
      dealId,
      endpoint,
    })
  }

  protected canPrompt(): boolean {
    return Boolean(process.stdin.isTTY) && !this.jsonEnabled()
  }

  protected async promptPassword(message: string): Promise<string> {
    const {password} = await import('@inquirer/prompts')
    return password({mask: '*', message}, {output: process.stderr})
  }

  /**
   * Shows the transaction preview and asks for confirmation. With --yes it goes on; with no terminal
   * or under --json it refuses and names --yes: it never waits on a prompt nobody can answer.
   */
  protected async confirmTransaction(preview: TxPreview): Promise<void> {
    const {previewLines} = await import('../chain/transact.js')
    if (!this.jsonEnabled()) this.logToStderr(renderKeyValues(previewLines(preview)))
    await this.confirmOrRefuse(`Send this transaction?`)
  }

  protected async confirmOrRefuse(question: string): Promise<void> {
    if (this.flags.yes) return
    if (!this.canPrompt()) {
      throw nectarError('CONFIRMATION_REQUIRED', 'This sends a transaction and needs confirmation, but there is no terminal to ask.', {
        hint: 'Pass --yes to confirm in scripts and under --json.',
      })
    }
    const {confirm} = await import('@inquirer/prompts')
    const ok = await confirm({default: false, message: question}, {output: process.stderr})
    if (!ok) throw nectarError('DECLINED', 'Declined; nothing was sent.')
  }

  protected progress(label: string, total: number): Progress {
    return createProgress(label, total, Boolean(process.stderr.isTTY) && !this.jsonEnabled())
  }

  protected warnUser(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${color.yellow('Warning:')} ${message}\n`)
  }

  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${color.dim(message)}\n`)
  }

  /** The envelope: indented for a terminal, one compact line for pipes (a third of the bytes on big lists). */
  public logJson(json: unknown): void {
    process.stdout.write(toJsonText(json, process.stdout.isTTY ? 2 : 0) + '\n')
  }

  protected toSuccessJson(result: unknown): {data: unknown; ok: true} {
    return {ok: true, data: result}
  }

  protected toErrorJson(error: unknown): {error: ReturnType<NectarError['toJSON']>; ok: false} {
    return {ok: false, error: toNectarError(error).toJSON()}
  }

  public async catch(error: Interfaces.CommandError): Promise<void> {
    const nectarError = toNectarError(error)
    process.exitCode = nectarError.exitCode
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(nectarError))
    } else {
      const lines = [`${color.red('Error:')} ${nectarError.message}`]
      for (const detail of nectarError.details) lines.push(`  ${detail}`)
      if (nectarError.hint) lines.push(`${color.cyan('Hint:')} ${nectarError.hint}`)
      process.stderr.write(lines.join('\n') + '\n')
    }
    if (this.argv.includes('--debug')) process.stderr.write(String((error as Error)?.stack ?? error) + '\n')
  }

  protected async finally(error: Error | undefined): Promise<void> {
    const {closeRpcAgents} = await import('../chain/rpc.js')
    closeRpcAgents()
    return super.finally(error)
  }
}
