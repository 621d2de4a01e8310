// What people see of the compute market's lists: offers, a provider's offers, deals, jobs, workers.
// Each names its columns with the priority they keep when the terminal is narrow (render.ts fits them);
// --json comes from the reports in src/lib/market and src/lib/provider.
import {type Address} from 'viem'

import {displayAmount, formatAmount} from '../core/amounts.js'
import {formatDuration} from '../core/durations.js'
import {type Deal} from '../market/deals.js'
import {type DealFunding} from '../market/deal-funding.js'
import {type FoundOffers, payeeOf} from '../market/find-offers.js'
import {type ProviderOffersReport} from '../market/provider.js'
import {type Order} from '../market/orders.js'
import {formatBitrate, formatDealDuration, formatSize, snmPerHour, snmPerHourText, usdPerHour, usdPerHourText} from '../market/units.js'
import {type WorkersReport} from '../market/workers.js'
import {type JobView} from '../provider/client.js'
import {type Cell, type Column, type ListFlags, renderList} from './render.js'

/** The identity level an ask requires, short (the table's `ID` column; --json has the full name). */
const LEVEL_SHORT = ['?', 'anon', 'reg', 'ident', 'pro']
export const identityShort = (level: number): string => LEVEL_SHORT[level] ?? String(level)

const OFFER_COLUMNS: Column[] = [
  {align: 'right', header: 'id', priority: 10},
  {header: 'provider', priority: 5, wrap: true},
  {align: 'right', header: 'cores', priority: 9},
  {align: 'right', header: 'ram', priority: 8},
  {align: 'right', header: 'storage', priority: 3},
  {align: 'right', header: 'gpu', priority: 6},
  {align: 'right', header: 'net down/up', key: 'net', priority: 1},
  {align: 'right', header: 'USD/h', key: 'usd', priority: 7},
  {align: 'right', header: 'SNM/h', key: 'snm', priority: 4},
  {align: 'right', header: 'duration', priority: 6},
  {header: 'ID', key: 'identity', priority: 2},
]

/** `compute offers`: the matches (sorted by the command's own --sort). */
export function offersTable(found: FoundOffers, flags: ListFlags): string {
  const rows: Cell[][] = found.matches.map((o) => {
    const payee = payeeOf(found, o)
    return [
      o.id.toString(),
      payee === o.author ? o.author : `${o.author} (pays ${payee})`,
      o.benchmarks.cpuCores.toString(),
      {sort: o.benchmarks.ramSize, text: formatSize(o.benchmarks.ramSize)},
      {sort: o.benchmarks.storageSize, text: formatSize(o.benchmarks.storageSize)},
      {sort: o.benchmarks.gpuCount, text: o.benchmarks.gpuCount > 0n ? `${o.benchmarks.gpuCount} × ${formatSize(o.benchmarks.gpuMem)}` : '-'},
      {sort: o.benchmarks.netDownload, text: `${formatBitrate(o.benchmarks.netDownload)} / ${formatBitrate(o.benchmarks.netUpload)}`},
      {csv: usdPerHour(o.price), sort: o.price, text: usdPerHourText(o.price)},
      {csv: snmPerHour(o.price, found.rate), sort: o.price, text: snmPerHourText(o.price, found.rate)},
      {sort: o.duration, text: o.duration === 0n ? 'spot' : `≤ ${formatDealDuration(o.duration)}`},
      identityShort(o.identityLevel),
    ]
  })
  return renderList(OFFER_COLUMNS, rows, flags)
}

/** `provider offer list`: a master's offers and its workers' (the worker column only when it has workers). */
export function providerOffersTable(asks: readonly Order[], report: ProviderOffersReport, flags: ListFlags): string {
  const workers = report.workers.length > 0
  const columns: Column[] = [
    {align: 'right', header: 'id', priority: 10},
    {header: 'status', priority: 9},
    {align: 'right', header: 'deal', priority: 8},
    ...(workers ? [{header: 'worker', priority: 4}] : []),
    {align: 'right', header: 'cores', priority: 7},
    {align: 'right', header: 'ram', priority: 6},
    {align: 'right', header: 'gpu', priority: 3},
    {align: 'right', header: 'USD/h', key: 'usd', priority: 5},
    {align: 'right', header: 'duration', priority: 2},
  ]
  const rows: Cell[][] = asks.map((o, i) => [
    o.id.toString(),
    o.status,
    o.dealId > 0n ? o.dealId.toString() : '-',
    ...(workers ? [report.offers[i].worker ?? '(own)'] : []),
    o.benchmarks.cpuCores.toString(),
    {sort: o.benchmarks.ramSize, text: formatSize(o.benchmarks.ramSize)},
    o.benchmarks.gpuCount.toString(),
    {csv: usdPerHour(o.price), sort: o.price, text: usdPerHourText(o.price)},
    {sort: o.duration, text: formatDealDuration(o.duration)},
  ])
  return renderList(columns, rows, flags)
}

const DEAL_COLUMNS: Column[] = [
  {align: 'right', header: 'deal', priority: 10},
  {header: 'role', priority: 6},
  {header: 'status', priority: 8},
  {header: 'counterpart', priority: 4},
  {align: 'right', header: 'time left', priority: 9},
  {align: 'right', header: 'funded for', priority: 7, wrap: true},
  {align: 'right', header: 'paid SNM', key: 'paid', priority: 5},
  {header: 'paid to', priority: 2},
  {align: 'right', header: 'in escrow SNM', key: 'escrow', priority: 3},
]

export interface DealRow {
  deal: Deal
  /** How long it is funded; null for a closed deal. */
  funding: DealFunding | null
  /** Seconds left of a forward deal; null for spot or closed. */
  secondsLeft: null | string
}

/** `compute deals`, as `me` sees them (its role in each, the other party, who is paid). */
export function dealsTable(deals: readonly DealRow[], me: Address, now: bigint, flags: ListFlags): string {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  const rows: Cell[][] = deals.map(({deal: d, funding: f, secondsLeft}) => {
    const left = f ? (f.fundedUntil > now ? f.fundedUntil - now : 0n) : -1n
    return [
      d.id.toString(),
      same(d.consumer, me) ? 'renter' : same(d.supplier, me) ? 'provider' : 'master',
      d.status,
      same(d.consumer, me) ? d.supplier : d.consumer,
      {sort: secondsLeft === null ? -1n : BigInt(secondsLeft), text: secondsLeft === null ? (d.status === 'accepted' ? 'spot' : '-') : formatDealDuration(BigInt(secondsLeft)) || '0s'},
      {sort: left, text: f ? formatDuration(left) + (f.otherOpenDeals > 0 ? ' (shared)' : '') : '-'},
      {csv: formatAmount(d.totalPayout), sort: d.totalPayout, text: displayAmount(d.totalPayout)},
      same(d.master, me) ? 'you' : d.master,
      {csv: formatAmount(d.blockedBalance), sort: d.blockedBalance, text: displayAmount(d.blockedBalance)},
    ]
  })
  return renderList(DEAL_COLUMNS, rows, flags)
}

const JOB_COLUMNS: Column[] = [
  {header: 'job', priority: 10},
  {header: 'status', priority: 9},
  {align: 'right', header: 'exit', priority: 8},
  {header: 'command', priority: 6, wrap: true},
  {header: 'started', priority: 5},
  {header: 'reason', priority: 7, wrap: true},
]

/** `compute jobs`: one row per job, the command whole (it folds), `exit` the status a renter's shell would see, where its ports answer. */
export function jobsTable(jobs: readonly JobView[], exitStatus: (job: JobView) => number, flags: ListFlags): string {
  const rows: Cell[][] = jobs.map((j) => [
    j.id,
    j.status,
    j.status === 'running' ? '' : String(exitStatus(j)),
    [j.spec.command, ...(j.spec.args ?? [])].join(' '),
    j.startedAt.replace(/\.\d{3}Z$/, 'Z'),
    j.reason ?? '',
    // Published ports answer only while the job runs.
    j.status === 'running' ? (j.ports ?? []).map((p) => `${p.address}${p.protocol === 'udp' ? '/udp' : ''} (${p.port})`).join('\n') : '',
  ])
  // The column is there only when some job has a port to reach.
  if (rows.some((r) => r[6] !== '')) return renderList([...JOB_COLUMNS, {header: 'reach at', priority: 8}], rows, flags)
  return renderList(JOB_COLUMNS, rows.map((r) => r.slice(0, 6)), flags)
}

/** `provider worker list`: each worker and what to do about a pending one. */
export function workersTable(report: WorkersReport, flags: ListFlags): string {
  const columns: Column[] = [{header: 'worker', priority: 10}, {header: 'status', priority: 5, wrap: true}]
  const rows = report.workers.map((w) => [
    w.address,
    w.status === 'pending' ? `pending${w.workerOf ? ` (now a worker of ${w.workerOf})` : ': confirm with `nectar provider worker confirm WORKER`'}` : 'confirmed',
  ])
  return renderList(columns, rows, flags)
}
