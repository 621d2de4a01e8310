import {Flags} from '@oclif/core'

import {displayAmount, formatAmount, parseAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderKeyValues} from '../../lib/cli/render.js'

export default class RewardsDistribute extends BaseCommand<typeof RewardsDistribute> {
  static description = `Split one period's rewards over makers by volume, exactly. The NEC total is the v2 issuance for --fees at the
window's snapshot supply (read from the chain, or --supply). Each maker gets floor(total × volume / total volume) and
the few wei left go one each to the largest fractional parts (ties: lower address first), so the allocations add
up to the total exactly. The pledged fees (--pledged, default --fees × --pledge-ratio 0.5) are split the same way.
Input rows are "address,volume" (header optional, # comments skipped); duplicate addresses are merged with a
warning; a bad row stops the run before anything is written, naming its line. The file is streamed.
The output CSV (address,volume,tokens,tokensWei,pledgedWei; addresses in lower case) starts with a
"# nectar-allocations v1 total=… pledged=… makers=…" line that \`rewards issue\` checks before minting.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --volumes volumes.csv --fees 2580.9 --out allocations.csv',
    '<%= config.bin %> <%= command.id %> --volumes volumes.csv --fees 500 --supply 1002626948 --out allocations.csv --json',
    '<%= config.bin %> <%= command.id %> --volumes volumes.csv --fees 500 --pledged 500 --supply 1000000000 --out allocations.csv',
  ]
  static flags = {
    ...rpcFlags,
    fees: Flags.string({description: 'Maker fees of the period, ETH: the NEC total is their v2 issuance', required: true}),
    out: Flags.string({description: 'Write the allocations CSV here (default: stdout; required with --json)'}),
    'pledge-ratio': Flags.string({default: '0.5', description: 'Pledged fees as a fraction of --fees, 0 to 1 (when --pledged is not given)'}),
    pledged: Flags.string({description: 'Total fees to pledge with the mints, ETH (overrides --pledge-ratio)'}),
    supply: Flags.string({description: 'Supply at the window snapshot, NEC (default: read from the chain)'}),
    volumes: Flags.string({description: 'CSV of address,volume rows', required: true}),
  }

  public async run() {
    const {flags} = this
    const fees = parseAmount(flags.fees, {allowZero: true, label: '--fees', unit: 'ETH'})
    const ratio = parseAmount(flags['pledge-ratio'], {allowZero: true, label: '--pledge-ratio', max: 10n ** 18n})
    const pledged = flags.pledged === undefined ? (fees * ratio) / 10n ** 18n : parseAmount(flags.pledged, {allowZero: true, label: '--pledged', unit: 'ETH'})
    let supply = flags.supply === undefined ? undefined : parseAmount(flags.supply, {label: '--supply', unit: 'NEC'})
    if (this.jsonEnabled() && flags.out === undefined) throw nectarError('OUT_REQUIRED', 'Under --json the allocations need a file.', {hint: 'Pass --out allocations.csv.'})
    const {distribute, readVolumes, writeAllocations} = await import('../../lib/nectar/distribute.js')
    const volumes = await readVolumes(flags.volumes)
    const {INITIAL_SUPPLY, rateV2} = await import('../../lib/nectar/curve.js')
    let initialSupply = INITIAL_SUPPLY
    let supplySource = '--supply'
    if (supply === undefined) {
      const {requireContract} = await import('../../lib/config/settings.js')
      const nec = requireContract(this.settings(), 'nec')
      const client = await this.client()
      const {getSupplyInfo} = await import('../../lib/nectar/reads.js')
      const info = await getSupplyInfo(client, {nec})
      supply = info.snapshotSupply
      initialSupply = info.initialSupply
      supplySource = `${this.settings().network.name} window ${info.window} ${info.rateSource === 'snapshot' ? 'snapshot' : 'current supply (no snapshot yet this window)'}`
    }
    const d = distribute(volumes, {fees, initialSupply, pledged, supply})
    if (d.duplicates > 0) this.warnUser(`${d.duplicates} duplicate row(s) merged into earlier rows of the same address, e.g. ${d.duplicateExamples.join(', ')}.`)
    await writeAllocations(flags.out ?? '/dev/stdout', d)
    const data = {
      duplicatesMerged: d.duplicates,
      fees: formatAmount(fees),
      feesWei: fees.toString(),
      makers: d.makers,
      out: flags.out ?? null,
      pledged: formatAmount(pledged),
      pledgedWei: pledged.toString(),
      rate: formatAmount(rateV2(supply, initialSupply)),
      rows: d.rows,
      supply: formatAmount(supply),
      supplySource,
      total: formatAmount(d.total),
      totalWei: d.total.toString(),
      volume: formatAmount(d.volume),
    }
    const summary = renderKeyValues([
      ['makers', `${d.makers} (${d.rows} rows${d.duplicates ? `, ${d.duplicates} merged` : ''})`],
      ['supply', `${displayAmount(supply)} NEC (${supplySource})`],
      ['fees', `${displayAmount(fees)} ETH`],
      ['total', `${displayAmount(d.total)} NEC (${d.total} wei)`],
      ['pledged', `${displayAmount(pledged)} ETH`],
      ...(flags.out ? [['written', flags.out] as [string, string]] : []),
    ])
    if (flags.out) this.log(summary)
    else this.note(summary)
    return data
  }
}
