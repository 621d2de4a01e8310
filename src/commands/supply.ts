import {formatAmount, displayAmount} from '../lib/core/amounts.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {rpcFlags} from '../lib/cli/flags.js'
import {renderKeyValues} from '../lib/cli/render.js'
import {requireContract} from '../lib/config/settings.js'

export default class Supply extends BaseCommand<typeof Supply> {
  static summary = 'Show NEC supply, the issuance rate now, the window and the redemption value.'
  static description = `Show NEC supply and issuance state: total and initial supply, pledged fees, the current 30-day window,
the v2 issuance rate now (NEC per ETH of fees), NEC left under the 2,000,000,000 cap, and the ETH paid per NEC on redemption.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --network mainnet --rpc-url https://eth.example.org --json']
  static flags = {...rpcFlags}

  public async run() {
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const {assertContract, getSupplyInfo} = await import('../lib/nectar/reads.js')
    await assertContract(client, nec, 'NEC')
    const info = await getSupplyInfo(client, {nec})
    const iso = (s: bigint) => new Date(Number(s) * 1000).toISOString()
    const data = {
      burningEnabled: info.burningEnabled,
      capRemaining: formatAmount(info.capRemaining),
      capRemainingWei: info.capRemaining.toString(),
      controller: info.controller,
      initialSupply: formatAmount(info.initialSupply),
      initialSupplyWei: info.initialSupply.toString(),
      pledgedFees: formatAmount(info.pledgedFees),
      pledgedFeesWei: info.pledgedFees.toString(),
      rate: formatAmount(info.rate),
      rateSource: info.rateSource,
      rateWei: info.rate.toString(),
      redemptionEthPerNec: formatAmount(info.redemptionWeiPerNec),
      redemptionWeiPerNec: info.redemptionWeiPerNec.toString(),
      snapshotSupply: formatAmount(info.snapshotSupply),
      totalSupply: formatAmount(info.totalSupply),
      totalSupplyWei: info.totalSupply.toString(),
      whitelistActive: info.whitelistActive,
      window: Number(info.window),
      windowEnds: iso(info.windowEnds),
      windowStarts: iso(info.windowStarts),
    }
    this.log(renderKeyValues([
      ['total supply', `${displayAmount(info.totalSupply)} NEC`],
      ['initial supply', `${displayAmount(info.initialSupply)} NEC`],
      ['pledged fees', `${displayAmount(info.pledgedFees)} ETH`],
      ['window', `${data.window} (ends ${data.windowEnds})`],
      ['rate now', `${displayAmount(info.rate)} NEC per ETH of fees (${info.rateSource === 'live' ? 'live supply: this window has no snapshot yet' : 'window snapshot'})`],
      ['left under cap', `${displayAmount(info.capRemaining)} NEC`],
      ['redemption', `${displayAmount(info.redemptionWeiPerNec, 18, 12)} ETH per NEC`],
      ['burning', info.burningEnabled ? 'enabled' : 'disabled'],
      ['whitelist', info.whitelistActive ? 'active' : 'off'],
      ['controller', info.controller],
    ]))
    return data
  }
}
