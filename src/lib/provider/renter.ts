// What the renter's job commands share: the deal id, and the agent to talk to for it.
import {type Writable} from 'node:stream'

import {type Address, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {parseDurationMs} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {type JobState} from './agent.js'
import {type AgentTarget, type EndRecord, resolveEndpoint, submitAndFollow} from './client.js'
import {chainDealSource, chainEndpointSource} from './deals.js'
import {type JobSpec} from './job-spec.js'
import {logWriter} from './log-output.js'

export function parseDealId(text: string): bigint {
  if (!/^\d{1,30}$/.test(text) || BigInt(text) === 0n) throw nectarError('INVALID_DEAL_ID', `Deal id ${JSON.stringify(text)} is not a deal number.`, {hint: 'Give the deal number, e.g. 12 (see `nectar compute deals`).'})
  return BigInt(text)
}

export function parseJobId(text: string): string {
  if (!/^\d{1,12}$/.test(text)) throw nectarError('INVALID_JOB_ID', `Job id ${JSON.stringify(text)} is not a job number.`, {hint: 'See the deal’s jobs with `nectar compute jobs DEAL_ID`.'})
  return String(Number(text))
}

/** --since: a duration back from now (10m, 2h, 90s) or an ISO time; returns ms since the epoch. */
export function parseSince(text: string, now = Date.now()): number {
  try {
    return now - Number(parseDurationMs(text, {label: '--since', subSecond: true}))
  } catch {}
  const at = Date.parse(text)
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(at)) return at
  throw nectarError('INVALID_SINCE', `--since ${JSON.stringify(text)} is neither a duration nor a time.`, {hint: 'Use a duration such as 10m or 2h, or a time such as 2025-01-31T12:00:00Z.'})
}

export interface DealTargetOptions {
  account: Pick<LocalAccount, 'address' | 'signTypedData'>
  chainId: number
  /** Needed unless `endpoint` is given. */
  chain?: () => Promise<{client: ChainClient; market: Address; registry: Address}>
  dealId: bigint
  endpoint?: string
}

/** The agent of a deal: from --endpoint, or from the deal's supplier's endpoint in the ProviderRegistry. */
export async function dealTarget(options: DealTargetOptions): Promise<AgentTarget> {
  if (options.endpoint) {
    const {endpoint} = await resolveEndpoint({chainId: options.chainId, getDeal: async () => undefined}, {endpointOf: async () => undefined}, options.dealId, options.endpoint)
    return {account: options.account, chainId: options.chainId, dealId: options.dealId, endpoint}
  }
  const {client, market, registry} = await options.chain!()
  const {endpoint} = await resolveEndpoint(chainDealSource(client, market), chainEndpointSource(client, registry), options.dealId)
  return {account: options.account, chainId: options.chainId, dealId: options.dealId, endpoint}
}

export interface RunJobOptions {
  follow: boolean
  /** NDJSON records on stdout instead of the raw streams. */
  json: boolean
  /** Progress lines for the user (stderr). */
  note: (message: string) => void
  spec: JobSpec
  stderr: Writable
  stdout: Writable
  timestamps?: boolean
}

/**
 * Starts a job on a deal's agent and, with `follow`, writes its stdout to `stdout` and its stderr to
 * `stderr` until it ends: what `compute run` and `compute order --job` both do.
 */
export async function runJob(target: AgentTarget, options: RunJobOptions): Promise<{end: EndRecord | null; job: JobState}> {
  const {note} = options
  const {job, logs} = await submitAndFollow(target, {
    follow: options.follow,
    onReconnect: (attempt, reason, after) => note(`Connection lost (${reason}); reconnecting (attempt ${attempt}), resuming after line ${after}…`),
    onRecords: logWriter({json: options.json, stderr: options.stderr, stdout: options.stdout, timestamps: Boolean(options.timestamps)}),
    onStarted: (started) => note(`Started job ${started.id} on deal ${target.dealId} (${target.endpoint}).`),
    spec: options.spec,
  })
  const end = logs?.end ?? null
  if (end) note(`Job ${job.id} ${end.status}${end.reason ? ` (${end.reason})` : ''}; exit status ${end.exitStatus}.`)
  return {end, job}
}
