import {BaseCommand} from '../lib/cli/base-command.js'
import {renderKeyValues} from '../lib/cli/render.js'
import {nectarError} from '../lib/core/errors.js'
import type {InitReport} from '../lib/cli/guided/init.js'

export default class Init extends BaseCommand<typeof Init> {
  static summary = 'Set up nectar by questions: a network, then an account.'
  static description =
    'A guided first setup for a terminal: pick the local devnet (started if needed), a network profile you have, or a new one from its RPC URL (saved once its chain id is read); then create a keystore, import a private key, or take a dev account on the devnet. The network becomes the active one and the account the default. Without a terminal (or under --json) it refuses and names the commands that do the same: devnet up, network add|use, wallet create|import, config set account.'
  static examples = ['<%= config.bin %> <%= command.id %>']

  public async run(): Promise<InitReport> {
    if (!this.canAsk()) {
      throw nectarError('NEEDS_TERMINAL', '`nectar init` asks questions, and there is no terminal to ask.', {
        hint: 'Set up with commands instead: `nectar devnet up` or `nectar network add NAME --rpc-url URL --use`, then `nectar wallet create NAME` or `nectar wallet import NAME`, and `nectar config set account NAME`.',
      })
    }
    const {runInit} = await import('../lib/cli/guided/init.js')
    const report = await runInit(await this.asker(), {configDir: this.configDir, dataDir: this.dataDir, env: process.env, note: (m) => this.note(m), warn: (m) => this.warnUser(m)})
    this.log(renderKeyValues([['network', `${report.network} (chain id ${report.chainId})`], ['account', report.account ? `${report.account} ${report.address}` : 'none (pass --account, or run `nectar init` again)']]))
    this.note(`Try: ${this.config.bin} balance · ${this.config.bin} supply · ${this.config.bin} compute offers`)
    return report
  }
}
