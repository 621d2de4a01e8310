// The oclif glue: the only module under src/lib that imports oclif. Commands extend it; everything
// they call lives in plain src/lib modules.
import {Command, Flags, Interfaces} from '@oclif/core'
import {type LocalAccount} from 'viem'

import {type BatchSendOptions} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {recordSent} from '../chain/sent-log.js'
import {type TransactOptions, type TxPreview} from '../chain/transact.js'
import {type ConfigData, readConfig} from '../config/store.js'
import {requireContract, requireRpcUrl, resolveSettings, rpcOverrideWarning, type Settings, withRpcOrigin} from '../config/settings.js'
import {nectarError} from '../core/errors.js'
import {type NecSource} from '../nectar/live.js'
import {createProgress, type Progress} from './progress.js'
import {color, renderKeyValues, terminalWidth, toJsonText} from './render.js'
import {wrapText} from './wrap-text.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {errorEnvelope, reportError} from './report-error.js'
import {unknownFlagsError} from './suggestions.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/** The flags of every group, as BaseCommand reads them: a command has only the groups it spreads in. */
type GroupFlags = Partial<{
  account: string
  csv: boolean
  'gas-limit': bigint
  'max-fee': bigint
  network: string
  nonce: number
  'password-file': string
  wait: boolean
  'priority-fee': bigint
  'private-key': string
  'rpc-url': string
  wide: boolean
  yes: boolean
}>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  // Only what every command has; the rpc, signer and transaction groups (./flags.ts) are spread in by
  // the commands that use them.
  static baseFlags = {
    debug: Flags.boolean({description: 'Show full errors with stack traces.', helpGroup: 'GLOBAL'}),
    // `-h` anywhere is also caught before parsing (package.json oclif.additionalHelpFlags), so `nectar -h` works too.
    help: Flags.help({char: 'h', description: 'Show this help.', helpGroup: 'GLOBAL'}),
  }
  static enableJsonFlag = true

  protected args!: CommandArgs<T>
  /** All positional arguments, for commands with `strict = false` (variadic). */
  protected positionals: string[] = []
  protected flags!: CommandFlags<T>
  private cachedClient?: Promise<ChainClient>
  private cachedConfig?: ConfigData
  private cachedController?: Promise<`0x${string}`>
  private cachedSettings?: Settings
  private cachedSigner?: Promise<LocalAccount>
  /** Every warning shown to a person, also carried in the JSON envelope. */
  private readonly warnings: string[] = []

  /** The flags of the groups, for the shared code below (a command without a group reads undefined). */
  private get groupFlags(): GroupFlags {
    return this.flags as GroupFlags
  }

  protected get configDir(): string {
    return this.config.configDir
  }

  protected get dataDir(): string {
    return this.config.dataDir
  }

  /** Ctrl-C: the work is interrupted (exit 130). A live view replaces it (see watchView). */
  private readonly interrupted = () => {
    if (!this.jsonEnabled()) process.stderr.write('\n')
    reportError(nectarError('INTERRUPTED', 'Interrupted.'), this.jsonEnabled(), this.warnings)
    process.exit(130)
  }

  /** Set once a live view has printed its records: the closing envelope would repeat the last. */
  private envelopePrinted = false

  public async init(): Promise<void> {
    await super.init()
    process.once('SIGINT', this.interrupted)
    if (this.argv.includes('--watch') && 'watch' in ((this.ctor as {flags?: object}).flags ?? {})) {
      const {withWatchDefault} = await import('./watch.js')
      this.argv = withWatchDefault(this.argv)
    }
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
    this.cachedSettings ??= resolveSettings(this.groupFlags, process.env, this.loadConfig())
    return this.cachedSettings
  }

  /** A public client for the active network, with its chain id checked against the profile. */
  protected client(): Promise<ChainClient> {
    this.cachedClient ??= (async () => {
      const settings = this.settings()
      const rpcUrl = requireRpcUrl(settings)
      const warning = rpcOverrideWarning(settings)
      if (warning) this.warnUser(warning)
      const {assertChainId, createChainClient} = await import('../chain/client.js')
      const client = createChainClient(rpcUrl, settings.network.chainId, settings.network.name)
      try {
        await assertChainId(client, settings.network.chainId, settings.network.name)
      } catch (error) {
        throw withRpcOrigin(toNectarError(error), settings)
      }
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
      passwordFile: this.groupFlags['password-file'],
      privateKey: this.groupFlags['private-key'],
      warn: (message: string) => this.warnUser(message),
    }
  }

  /** The market's contract addresses this command uses (from the profile, else its SONM address registry). */
  protected async marketAddresses<K extends 'blacklist' | 'oracle' | 'profileRegistry' | 'snm'>(also: readonly K[]) {
    const {marketAddresses} = await import('../market/settings.js')
    return marketAddresses(await this.client(), this.settings(), also)
  }

  /**
   * How to reach the provider agent of a deal, signing as the active account: `endpoint` when given,
   * else the profile's `endpoints` entry for the deal's provider (or its master), else the provider's
   * endpoint published on chain.
   */
  protected async dealAgent(dealId: bigint, endpoint?: string) {
    const settings = this.settings()
    const {dealTarget} = await import('../provider/renter.js')
    return dealTarget({
      account: await this.signer(),
      chain: async () => ({client: await this.client(), ...(await this.marketAddresses(['profileRegistry']))}),
      chainId: settings.network.chainId,
      dealId,
      endpoint,
      endpoints: settings.network.endpoints,
    })
  }

  protected canPrompt(): boolean {
    return Boolean(process.stdin.isTTY) && !this.jsonEnabled()
  }

  /**
   * A person is there to answer a guided flow's questions: stdin AND stdout are a terminal and no
   * --json (a `> file` or a pipe means a script, whose output must not wait on questions).
   */
  protected canAsk(): boolean {
    return Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !this.jsonEnabled()
  }

  /** The questions of a guided flow, on stderr. */
  protected async asker(): Promise<import('./ask.js').Ask> {
    const {terminalAsk} = await import('./ask.js')
    return terminalAsk()
  }

  /**
   * Where a guided flow would have asked but nobody can answer: parses the command line again with
   * these args and flags required, so the error is oclif's own usage error, word for word, as before
   * the flow existed.
   */
  protected async refuseAsUsage(required: {args?: string[]; flags?: string[]}): Promise<never> {
    const ctor = this.ctor as typeof BaseCommand & {args?: Record<string, object>; flags?: Record<string, object>; strict?: boolean}
    const mark = (defs: Record<string, object> = {}, names: string[] = []) => Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, names.includes(name) ? {...def, required: true} : def]))
    await this.parse({args: mark(ctor.args, required.args), baseFlags: ctor.baseFlags, enableJsonFlag: ctor.enableJsonFlag, flags: mark(ctor.flags, required.flags), strict: ctor.strict} as never)
    throw new Error(`refuseAsUsage: ${JSON.stringify(required)} parsed without error`)
  }

  /** After a guided flow: the command line that does the same without questions, so the person learns the flags. */
  protected async showEquivalent(extra: string[]): Promise<void> {
    if (this.jsonEnabled()) return
    const {shellWord} = await import('./ask.js')
    const command = [this.config.bin, ...this.id!.split(':'), ...this.argv, ...extra].map((a) => shellWord(a)).join(' ')
    // A command to copy: on a line of its own, and continued over lines ending in ` \` rather than
    // folded like prose, so that it pastes into a shell whole at any width.
    process.stderr.write(`${color.dim(`Same without questions:\n${wrapText(command, terminalWidth(process.stderr), {shell: true})}`)}\n`)
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

  /**
   * What the transaction pipeline needs from the command line: the signer, the confirmation, the
   * transaction flags (`--gas-limit`, `--max-fee`, `--priority-fee`, `--nonce`) and a note once sent.
   */
  protected async sendOptions(details?: Array<[string, string]>): Promise<TransactOptions> {
    const flags = this.groupFlags
    return {
      account: await this.signer(),
      confirm: (preview) => this.confirmTransaction(preview),
      details,
      onSent: (hash) => this.note(`Sent ${hash}; waiting for the receipt…`),
      record: (tx) => recordSent(this.dataDir, tx),
      overrides: {gasLimit: flags['gas-limit'], maxFeePerGas: flags['max-fee'], maxPriorityFeePerGas: flags['priority-fee'], nonce: flags.nonce},
      warn: (message) => this.warnUser(message),
    }
  }

  /** What a batched action needs from the command line: the signer, the confirmation of its preview, a progress bar. */
  protected async batchSendOptions(): Promise<BatchSendOptions> {
    return {
      account: await this.signer(),
      confirm: async ({action, details, question}) => {
        if (!this.jsonEnabled()) this.logToStderr(renderKeyValues([['action', action], ...details]))
        await this.confirmOrRefuse(question)
      },
      progress: (label, total) => this.progress(label, total),
      wait: this.groupFlags.wait,
      warn: (message) => this.warnUser(message),
    }
  }

  /**
   * NEC's controller, read from the token (never the profile's guess): the one every command uses. A
   * profile naming another one is warned about once.
   */
  protected tokenController(): Promise<`0x${string}`> {
    this.cachedController ??= (async () => {
      const settings = this.settings()
      const nec = requireContract(settings, 'nec')
      const client = await this.client()
      const {resolveController} = await import('../nectar/controller.js')
      const resolved = await resolveController(client, {nec, network: settings.network.name, profileController: settings.network.contracts?.controller})
      if (resolved.warning) this.warnUser(resolved.warning)
      return resolved.controller
    })()
    return this.cachedController
  }

  /** The active network's NEC, each part resolved only when read (an offline run touches nothing). */
  protected necSource(): NecSource {
    return {
      client: () => this.client(),
      name: () => this.settings().network.name,
      nec: () => requireContract(this.settings(), 'nec'),
    }
  }

  protected async confirmOrRefuse(question: string): Promise<void> {
    if (this.groupFlags.yes) return
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
    this.warnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(`${wrapText(`${color.yellow('Warning:')} ${message}`, terminalWidth(process.stderr), {hang: '  '})}\n`)
  }

  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${color.dim(wrapText(message, terminalWidth(process.stderr)))}\n`)
  }

  /** A line for people on stdout, folded to the terminal; --csv and --wide output is left whole. */
  public log(message = '', ...args: unknown[]): void {
    const whole = this.groupFlags?.csv || this.groupFlags?.wide || typeof message !== 'string'
    super.log(whole ? message : wrapText(message, terminalWidth()), ...args)
  }

  /**
   * `--watch`: `read` again every `seconds` until Ctrl-C, redrawn in place at a terminal, one envelope
   * per line elsewhere (see lib/cli/watch.ts). Ctrl-C is how a person leaves a live view, not a failure:
   * nothing was cut short, so it exits 0 (as watch(1) does), where Ctrl-C on work exits 130.
   */
  protected async watchView<D>(seconds: number, read: () => Promise<{data: D; text: string; warnings: string[]}>): Promise<D> {
    const {watchLoop} = await import('./watch.js')
    const stop = new AbortController()
    process.off('SIGINT', this.interrupted)
    // A second Ctrl-C while a read hangs (a node that does not answer) leaves at once.
    const onInterrupt = () => (stop.signal.aborted ? process.exit(130) : stop.abort())
    process.on('SIGINT', onInterrupt)
    const records = this.jsonEnabled() || !process.stdout.isTTY
    try {
      const last = await watchLoop({
        intervalSeconds: seconds,
        out: process.stdout,
        read,
        recordOf: (frame) => ('error' in frame ? errorEnvelope(frame.error) : {ok: true, data: frame.data, ...(frame.warnings.length > 0 ? {warnings: frame.warnings} : {})}),
        records,
        signal: stop.signal,
      })
      if (!records) process.stdout.write('\n')
      this.envelopePrinted = true
      return last.data
    } finally {
      process.off('SIGINT', onInterrupt)
    }
  }

  /** The envelope: indented for a terminal, one compact line for pipes (a third of the bytes on big lists). */
  public logJson(json: unknown): void {
    if (this.envelopePrinted) return
    // Commands whose --json output is NDJSON records end with a one-line envelope too.
    const ndjson = (this.constructor as {ndjson?: boolean}).ndjson === true
    process.stdout.write(toJsonText(json, process.stdout.isTTY && !ndjson ? 2 : 0) + '\n')
  }

  protected toSuccessJson(result: unknown): {data: unknown; ok: true; warnings?: string[]} {
    return {ok: true, data: result, ...(this.warnings.length > 0 ? {warnings: [...this.warnings]} : {})}
  }

  protected toErrorJson(error: unknown): ReturnType<typeof errorEnvelope> {
    return errorEnvelope(toNectarError(error), this.warnings)
  }

  public async catch(error: Interfaces.CommandError): Promise<void> {
    // jsonEnabled() reads the parsed flags; a parse error (an unknown flag, an extra argument) comes before them.
    const json = this.argv.includes('--json')
    // A connection lost later in the run names the URL's origin too.
    const nectar = this.withSuggestion(error) ?? toNectarError(error)
    reportError(this.cachedSettings ? withRpcOrigin(nectar, this.cachedSettings) : nectar, json, this.warnings)
    if (this.argv.includes('--debug')) process.stderr.write(String((error as Error)?.stack ?? error) + '\n')
  }

  /** oclif's "Nonexistent flag" parse error, with the nearest flag this command has. */
  private withSuggestion(error: unknown) {
    const unknown = (error as {flags?: unknown}).flags
    if (!Array.isArray(unknown) || !/^Nonexistent flag/.test((error as Error).message)) return undefined
    const known = [...Object.keys({...this.ctor.baseFlags, ...this.ctor.flags}), ...(this.ctor.enableJsonFlag ? ['json'] : [])]
    return unknownFlagsError(unknown.map(String), known, this.id ?? '', this.config.bin)
  }

  protected async finally(error: Error | undefined): Promise<void> {
    const {closeRpcAgents} = await import('../chain/rpc.js')
    closeRpcAgents()
    return super.finally(error)
  }
}
