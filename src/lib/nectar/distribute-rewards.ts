// `rewards distribute`: the flags read exactly, the window's snapshot supply (given, or read from the
// chain), the exact split written as the allocations file, and its report.
import {displayAmount, formatAmount, parseAmount} from '../core/amounts.js'
import {INITIAL_SUPPLY, rateV2} from './curve.js'
import {distribute, readVolumes, writeAllocations} from './distribute.js'
import {type NecSource} from './live.js'

/** The flags of `rewards distribute`, as given. */
export interface DistributeFlags {
  fees: string
  out?: string
  'pledge-ratio': string
  pledged?: string
  supply?: string
  volumes: string
}

export interface DistributeRequest {
  fees: bigint
  /** Where the allocations go; undefined: stdout. */
  out?: string
  pledged: bigint
  /** The window's snapshot supply; undefined: read from the chain. */
  supply?: bigint
  volumes: string
}

export function parseDistributeRequest(flags: DistributeFlags): DistributeRequest {
  const fees = parseAmount(flags.fees, {allowZero: true, label: '--fees', unit: 'ETH'})
  const ratio = parseAmount(flags['pledge-ratio'], {allowZero: true, label: '--pledge-ratio', max: 10n ** 18n})
  const pledged = flags.pledged === undefined ? (fees * ratio) / 10n ** 18n : parseAmount(flags.pledged, {allowZero: true, label: '--pledged', unit: 'ETH'})
  const supply = flags.supply === undefined ? undefined : parseAmount(flags.supply, {label: '--supply', unit: 'NEC'})
  return {fees, out: flags.out, pledged, supply, volumes: flags.volumes}
}

/** What `rewards distribute` reports. */
export interface DistributionReport {
  duplicatesMerged: number
  fees: string
  feesWei: bigint
  makers: number
  /** The metadata sidecar `rewards issue` checks the file against (null when the CSV went to stdout). */
  meta: null | string
  out: null | string
  pledged: string
  pledgedWei: bigint
  /** NEC per ETH of fees at the supply. */
  rate: string
  rows: number
  supply: string
  supplySource: string
  total: string
  totalWei: bigint
  volume: string
}

export interface DistributionRun {
  report: DistributionReport
  /** The summary a person sees. */
  summary: Array<[string, string]>
}

/**
 * Reads the volumes, takes the supply (given, or the chain's window snapshot), splits the period's
 * issuance exactly and writes the allocations. Merged duplicate rows are reported through `warn`.
 */
export async function distributeRewards(request: DistributeRequest, source: NecSource, warn: (message: string) => void): Promise<DistributionRun> {
  const {fees, out, pledged} = request
  const volumes = await readVolumes(request.volumes)
  let {supply} = request
  let initialSupply = INITIAL_SUPPLY
  let supplySource = '--supply'
  if (supply === undefined) {
    const nec = source.nec()
    const client = await source.client()
    const {getSupplyInfo} = await import('./reads.js')
    const info = await getSupplyInfo(client, {nec})
    supply = info.snapshotSupply
    initialSupply = info.initialSupply
    supplySource = `${source.name()} window ${info.window} ${info.rateSource === 'snapshot' ? 'snapshot' : 'current supply (no snapshot yet this window)'}`
  }
  const d = distribute(volumes, {fees, initialSupply, pledged, supply})
  if (d.duplicates > 0) warn(`${d.duplicates} duplicate row(s) merged into earlier rows of the same address, e.g. ${d.duplicateExamples.join(', ')}.`)
  const meta = await writeAllocations(out ?? '/dev/stdout', d, {sidecar: out !== undefined})
  return {
    report: {
      duplicatesMerged: d.duplicates,
      fees: formatAmount(fees),
      feesWei: fees,
      makers: d.makers,
      meta: meta ?? null,
      out: out ?? null,
      pledged: formatAmount(pledged),
      pledgedWei: pledged,
      rate: formatAmount(rateV2(supply, initialSupply)),
      rows: d.rows,
      supply: formatAmount(supply),
      supplySource,
      total: formatAmount(d.total),
      totalWei: d.total,
      volume: formatAmount(d.volume),
    },
    summary: [
      ['makers', `${d.makers} (${d.rows} rows${d.duplicates ? `, ${d.duplicates} merged` : ''})`],
      ['supply', `${displayAmount(supply)} NEC (${supplySource})`],
      ['fees', `${displayAmount(fees)} ETH`],
      ['total', `${displayAmount(d.total)} NEC (${d.total} wei)`],
      ['pledged', `${displayAmount(pledged)} ETH`],
      ...(out ? [['written', out] as [string, string]] : []),
      // `rewards issue` checks the CSV against its sidecar, so the two travel together.
      ['metadata', meta ?? 'none on stdout (`rewards issue` needs --out)'],
    ],
  }
}
