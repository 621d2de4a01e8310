// The oclif glue: the only module under src/lib that imports oclif. Commands extend it; everything
// they call lives in plain src/lib modules.
import {Command, Flags, Interfaces} from '@oclif/core'
import {type Hash, type LocalAccount} from 'viem'

import {type BatchSendOptions} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {recordSent} from '../chain/sent-log.js'
import {type TransactOptions, type TxPreview} from '../chain/transact.js'
import {type ConfigData, readConfig} from '../config/store.js'
import {requireContract, requireRpcUrl, resolveSettings, rpcOverrideWarning, type Settings, withRpcOrigin} from '../config/settings.js'
import {type Address, type NameResolver, type ParseAddressOptions} from '../core/addresses.js'
import {nectarError, type NectarError} from '../core/errors.js'
import {type NecSource} from '../nectar/live.js'
import {createProgress, type Progress} from './progress.js'
import {createSpinner, type Spinner} from './spinner.js'
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
  private cachedSendAccount?: Promise<LocalAccount>
  /** What to tell a person who presses Ctrl-C now (how to reattach to what keeps running, how to stop it). */
  private interruptNotes: string[] = []
  /** The spinner of the pre-flight work under way, if any (cleared before anything else is written). */
  private spinner?: Spinner
  /** When the last prompt was answered: a progress bar's clock starts there, not at the question. */
  private promptAnsweredAt = 0
  /** Transactions this run has sent, so a cancel can say what already went out. */
  private readonly sent: Array<{action: string; hash: Hash}> = []
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
    this.notBusy()
    const json = this.jsonEnabled()
    if (!json) process.stderr.write('\n')
    // Leaving a follow is no failure: say what keeps running and how to get back to it.
    if (!json && this.interruptNotes.length > 0) process.stderr.write(['Interrupted.', ...this.interruptNotes.map((line) => `  ${line}`)].join('\n') + '\n')
    else reportError(nectarError('INTERRUPTED', 'Interrupted.', {details: this.interruptNotes}), json, this.warnings)
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

  /**
   * The account transactions are sent from: its address now, its key at the first signature, so the
   * checks (balance, whitelist, roles) and the preview come before any password prompt.
   */
  private sendAccount(): Promise<LocalAccount> {
    this.cachedSendAccount ??= import('../wallet/resolve-account.js').then(({deferredAccount}) => deferredAccount(this.accountOptions(), () => this.signer()))
    return this.cachedSendAccount
  }

  /**
   * Account names a person may give where an address goes: keystores (no password needed) and dev0..dev9
   * on the devnet. Undefined when every text given is an address: the keystore code stays unloaded
   * (start-up of `balance ADDRESS`).
   */
  protected async accountNames(given: readonly string[]): Promise<NameResolver | undefined> {
    if (given.every((text) => /^\s*0x/i.test(text))) return undefined
    const settings = this.settings()
    const {nameResolver} = await import('../wallet/address-names.js')
    return nameResolver({chainId: settings.network.chainId, configDir: this.configDir, devnet: Boolean(settings.network.devnet), env: process.env})
  }

  /** An address from the command line: 0x… or an account name (see accountNames). */
  protected async addressArg(text: string, label: string, options: Omit<ParseAddressOptions, 'names'> = {}): Promise<Address> {
    const {parseAddress} = await import('../core/addresses.js')
    return parseAddress(text, label, {...options, names: await this.accountNames([text])})
  }

  /**
   * How a job's output reaches a person: stdout and stderr apart, stderr lines in colour on a
   * terminal, `out|`/`err|` labels with --prefix; one status line, redrawn in place, while the
   * connection is lost (plain lines when stderr is not a terminal); Ctrl-C tells how to reattach.
   */
  protected jobOutput(dealId: bigint, {prefix, timestamps}: {prefix?: boolean; timestamps?: boolean}) {
    const tty = Boolean(process.stderr.isTTY) && !this.jsonEnabled()
    const [open, close] = color.yellow('\0').split('\0')
    return {
      json: this.jsonEnabled(),
      note: (message: string) => this.note(message),
      onFollowing: (jobId: string) => this.onInterruptTell([`Job ${jobId} keeps running on deal ${dealId}.`, `Reattach: nectar compute logs ${dealId} ${jobId} --follow`, `Stop it:  nectar compute stop ${dealId} ${jobId}`]),
      prefix,
      status: tty ? (text: string | undefined) => (text === undefined ? this.notBusy() : this.spinner ? this.spinner.update(text) : this.busy(text, 0)) : undefined,
      stderr: process.stderr,
      stderrStyle: tty && open ? {close, open} : undefined,
      stdout: process.stdout,
      timestamps,
    }
  }

  /** Lines shown if the person presses Ctrl-C from now on (e.g. how to reattach to a job that keeps running). */
  protected onInterruptTell(lines: string[]): void {
    this.interruptNotes = lines
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

  /**
   * A job's files before anything is sent: the upload (--upload and the spec's inputs:) packed once
   * to learn its hash and size, with a progress bar on the way out; --pull only for a spec that
   * declares outputs.
   */
  protected async jobFiles(spec: import('../provider/job-spec.js').JobSpec, specFile: string, uploads: string[] | undefined, pull: string | undefined) {
    const {nectarError} = await import('../core/errors.js')
    if (pull !== undefined && (spec.outputs ?? []).length === 0) throw nectarError('NO_OUTPUTS', `--pull ${pull}: the job spec ${specFile} declares no outputs to pull.`)
    const {prepareUpload, uploadRoots} = await import('../provider/uploads.js')
    const roots = uploadRoots(spec, specFile, uploads)
    const upload = roots.length > 0 ? await prepareUpload(roots) : undefined
    const {transferProgress} = await import('./progress.js')
    const enabled = Boolean(process.stderr.isTTY) && !this.jsonEnabled()
    const bars = {pull: transferProgress('Pulling', {enabled}), upload: transferProgress('Uploading', {enabled})}
    return {
      onTransfer: (what: 'pull' | 'upload', bytes: number, total?: number) => {
        bars[what].update(bytes, total)
        if (total !== undefined && bytes >= total) bars[what].done()
      },
      pull: pull === undefined ? undefined : {outDir: pull},
      upload,
    }
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
    this.notBusy()
    const {password} = await import('@inquirer/prompts')
    try {
      return await password({mask: '*', message}, {output: process.stderr})
    } finally {
      this.promptAnsweredAt = Date.now()
    }
  }

  /**
   * A spinner on stderr while pre-flight work runs (a terminal only, never under --json), shown once it
   * has lasted 300 ms; anything written meanwhile clears it first. Stopped by notBusy(), or by the next
   * busy(), a prompt, a progress bar or the command's output.
   */
  protected busy(text: string, delayMs = 300): Spinner {
    this.spinner?.stop()
    const spinner = createSpinner(text, {delayMs, enabled: Boolean(process.stderr.isTTY) && !this.jsonEnabled()})
    this.spinner = spinner
    return spinner
  }

  /** Stops the spinner, if one runs. */
  protected notBusy(): void {
    this.spinner?.stop()
    this.spinner = undefined
  }

  public logToStderr(message = '', ...args: unknown[]): void {
    this.spinner?.clear()
    super.logToStderr(message, ...args)
  }

  /**
   * Shows the transaction preview and asks for confirmation. With --yes it goes on; with no terminal
   * or under --json it refuses and names --yes: it never waits on a prompt nobody can answer.
   */
  protected async confirmTransaction(preview: TxPreview): Promise<void> {
    this.notBusy()
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
    const account = await this.sendAccount()
    // The checks before the preview (simulation, balances, roles) can take a while on a slow node.
    if (!this.spinner) this.busy('Checking…')
    return {
      account,
      confirm: (preview) => this.confirmTransaction(preview),
      details,
      onSent: (hash, action) => {
        this.notBusy()
        this.sent.push({action, hash})
        this.note(`Sent ${hash}; waiting for the receipt…`)
      },
      record: (tx) => recordSent(this.dataDir, tx),
      overrides: {gasLimit: flags['gas-limit'], maxFeePerGas: flags['max-fee'], maxPriorityFeePerGas: flags['priority-fee'], nonce: flags.nonce},
      warn: (message) => this.warnUser(message),
    }
  }

  /** What a batched action needs from the command line: the signer, the confirmation of its preview, a progress bar. */
  protected async batchSendOptions(): Promise<BatchSendOptions> {
    const account = await this.sendAccount()
    if (!this.spinner) this.busy('Checking…')
    return {
      account,
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
    this.notBusy()
    if (this.groupFlags.yes) return
    if (!this.canPrompt()) {
      throw nectarError('CONFIRMATION_REQUIRED', 'This sends a transaction and needs confirmation, but there is no terminal to ask.', {
        hint: 'Pass --yes to confirm in scripts and under --json.',
      })
    }
    const {confirm} = await import('@inquirer/prompts')
    const ok = await confirm({default: false, message: question}, {output: process.stderr})
    this.promptAnsweredAt = Date.now()
    if (!ok) throw nectarError('DECLINED', this.sent.length === 0 ? 'Cancelled; nothing was sent.' : 'Cancelled.')
  }

  protected progress(label: string, total: number): Progress {
    this.notBusy()
    return createProgress(label, total, {enabled: Boolean(process.stderr.isTTY) && !this.jsonEnabled(), startedAt: () => this.promptAnsweredAt})
  }

  protected warnUser(message: string): void {
    this.warnings.push(message)
    this.spinner?.clear()
    if (!this.jsonEnabled()) process.stderr.write(`${wrapText(`${color.yellow('Warning:')} ${message}`, terminalWidth(process.stderr), {hang: '  '})}\n`)
  }

  protected note(message: string): void {
    this.spinner?.clear()
    if (!this.jsonEnabled()) process.stderr.write(`${color.dim(wrapText(message, terminalWidth(process.stderr)))}\n`)
  }

  /** A line for people on stdout, folded to the terminal (the spinner stops first); --csv and --wide output is left whole. */
  public log(message = '', ...args: unknown[]): void {
    this.notBusy()
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
    this.notBusy()
    // jsonEnabled() reads the parsed flags; a parse error (an unknown flag, an extra argument) comes before them.
    const json = this.argv.includes('--json')
    // A connection lost later in the run names the URL's origin too.
    const nectar = this.withSuggestion(error) ?? toNectarError(error)
    // A prompt declined (exit 1) or left with Ctrl-C (exit 130): no red Error, and what was sent.
    if ((nectar.code === 'DECLINED' || nectar.code === 'INTERRUPTED') && !json) this.reportCancelled(nectar)
    else reportError(this.cachedSettings ? withRpcOrigin(nectar, this.cachedSettings) : nectar, json, this.warnings)
    if (this.argv.includes('--debug')) process.stderr.write(String((error as Error)?.stack ?? error) + '\n')
  }

  /** oclif's "Nonexistent flag" parse error, with the nearest flag this command has. */
  private withSuggestion(error: unknown) {
    const unknown = (error as {flags?: unknown}).flags
    if (!Array.isArray(unknown) || !/^Nonexistent flag/.test((error as Error).message)) return undefined
    const known = [...Object.keys({...this.ctor.baseFlags, ...this.ctor.flags}), ...(this.ctor.enableJsonFlag ? ['json'] : [])]
    return unknownFlagsError(unknown.map(String), known, this.id ?? '', this.config.bin)
  }

  /** A declined prompt is the person's choice, not a failure: no red Error, and what was sent (if anything). */
  private reportCancelled(error: NectarError): void {
    process.exitCode = error.exitCode
    // The hash on a line of its own and the action without its parenthesis: each fits 80 columns.
    const sent = this.sent.flatMap(({action, hash}) => [`  ${hash}`, `    ${action.replace(/ \(.*\)$/, '')}`])
    const lines = this.sent.length === 0 ? ['Cancelled; nothing was sent.'] : ['Cancelled. Already sent:', ...sent]
    if (this.sent.length > 0 && error.hint) lines.push(color.dim(error.hint))
    process.stderr.write(lines.join('\n') + '\n')
  }

  protected async finally(error: Error | undefined): Promise<void> {
    this.notBusy()
    const {closeRpcAgents} = await import('../chain/rpc.js')
    closeRpcAgents()
    return super.finally(error)
  }
}
