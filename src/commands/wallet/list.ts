import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, listFlags, rpcFlags} from '../../lib/cli/flags.js'
import {color, renderList} from '../../lib/cli/render.js'
import {type WalletListing} from '../../lib/wallet/manage.js'

export default class WalletList extends BaseCommand<typeof WalletList> {
  static summary = 'List keystores and dev accounts.'
  static description = `List the wallets: nectar keystores, Foundry keystores (~/.foundry/keystores), and the dev accounts dev0..dev9 when the active network is the devnet.
The default column marks the active account (--account, NECTAR_ACCOUNT, the config's account, or dev0 on the devnet).`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --network mainnet --json']
  static flags = {...rpcFlags, ...accountFlag, ...listFlags}

  public async run(): Promise<WalletListing> {
    const settings = this.settings()
    const {listWallets} = await import('../../lib/wallet/manage.js')
    const {problems, wallets} = listWallets(this.configDir, {
      active: settings.account,
      chainId: settings.network.chainId,
      devnet: Boolean(settings.network.devnet),
      env: process.env,
    })
    for (const problem of problems) this.warnUser(`Skipped ${problem}`)
    if (wallets.length === 0 && !this.flags.csv) {
      this.log(`No wallets yet. Create one with \`${this.config.bin} wallet create NAME\` or import one with \`${this.config.bin} wallet import NAME\`.`)
    } else {
      const rows = wallets.map((w) => [w.default ? color.green('*') : '', w.name, w.address ?? color.dim('(not stored)'), w.source])
      this.log(renderList([{header: 'default', priority: 2}, {header: 'name', priority: 9}, {header: 'address', priority: 8}, {header: 'source', priority: 1, wrap: true}], rows, this.flags))
    }
    return {wallets}
  }
}
