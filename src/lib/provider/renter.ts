// The renter's side of jobs: the agent of a deal, starting a job on it, reading and following its log.
import path from 'node:path'
import {type Writable} from 'node:stream'

import {type Address, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {parseDurationMs} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {type RentReport} from '../market/rent-offer.js'
import {type JobState} from './agent.js'
import {type AgentTarget, type EndRecord, followLogs, type JobView, listJobs, resolveEndpoint, submitAndFollow} from './client.js'
import {chainDealSource, chainEndpointSource} from './deals.js'
import {type JobSpec} from './job-spec.js'
import {logWriter} from './log-output.js'
import {formatSize} from '../market/units.js'
import {pullResults, type PullResult} from './results.js'
import {type PreparedUpload, sendUpload} from './uploads.js'

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
  chain?: () => Promise<{client: ChainClient; market: Address; profileRegistry: Address}>
  dealId: bigint
  endpoint?: string
  /** The profile's agent URLs by provider address (lower case): used before the chain. */
  endpoints?: Record<string, string>
}

/**
 * The agent of a deal: from --endpoint; else the profile's `endpoints` entry for the deal's supplier
 * (or its master); else the URL the supplier (or its master) published in the ProfileRegistry.
 */
export async function dealTarget(options: DealTargetOptions): Promise<AgentTarget> {
  if (options.endpoint) {
    const {endpoint} = await resolveEndpoint({chainId: options.chainId, getDeal: async () => undefined}, {endpointOf: async () => undefined}, options.dealId, options.endpoint)
    return {account: options.account, chainId: options.chainId, dealId: options.dealId, endpoint}
  }
  const {client, market, profileRegistry} = await options.chain!()
  const {endpoint} = await resolveEndpoint(chainDealSource(client, market), chainEndpointSource(client, {market, profileRegistry}, options.endpoints), options.dealId)
  return {account: options.account, chainId: options.chainId, dealId: options.dealId, endpoint}
}

export interface LogOutput {
  /** NDJSON records on stdout instead of the raw streams. */
  json: boolean
  /** Progress lines for the user (stderr). */
  note: (message: string) => void
  /** Called once the job being followed is known (to tell a person how to reattach after Ctrl-C). */
  onFollowing?: (jobId: string) => void
  /** Label each line `out|` or `err|`. */
  prefix?: boolean
  /**
   * The one status line while the connection is lost (text), cleared when it is back (undefined); one
   * plain note per attempt when not given.
   */
  status?: (text: string | undefined) => void
  stderr: Writable
  /** Codes around each line of the job's stderr (colour on a terminal). */
  stderrStyle?: {close: string; open: string}
  stdout: Writable
  timestamps?: boolean
}

export interface RunJobOptions extends LogOutput {
  follow: boolean
  /** Progress of the upload and the pull (archive bytes). */
  onTransfer?: (what: 'pull' | 'upload', bytes: number, total?: number) => void
  /** With follow: once the job ended, pull its outputs into this directory. */
  pull?: {outDir: string; paths?: string[]}
  spec: JobSpec
  /** Files packed (prepareUpload) to send before the job: the job starts only once the agent has them. */
  upload?: PreparedUpload
}

/** What a follow does while its connection is lost: one status line, updated per attempt. */
function reconnecting(target: AgentTarget, output: LogOutput) {
  return {
    onReconnect: (attempt: number, reason: string, after: number, lostForMs: number) => {
      // Short enough for one terminal line: the error's own code (ECONNREFUSED) rather than its sentence.
      const why = /\(([^()]+)\)\.?$/.exec(reason)?.[1] ?? reason.split('\n', 1)[0].replace(/\.$/, '')
      const text = `Reconnecting (attempt ${attempt}) to ${target.endpoint}, lost for ${Math.round(lostForMs / 1000)} s: ${why}; resuming after line ${after}…`
      if (output.status) output.status(text)
      else output.note(text)
    },
    onReconnected: () => {
      output.status?.(undefined)
      output.note(`Reconnected to ${target.endpoint}.`)
    },
  }
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s} s`
  const m = Math.floor(s / 60)
  return m < 120 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

/** The end of a job in plain words: "Job 3 exited with code 0 after 12 s." */
export function endNote(jobId: string, end: EndRecord): string {
  const took = end.startedAt && end.endedAt ? Date.parse(end.endedAt) - Date.parse(end.startedAt) : Number.NaN
  const after = Number.isFinite(took) ? ` after ${seconds(took)}` : ''
  const why = end.reason ? ` (${end.reason})` : ''
  switch (end.status) {
    case 'exited':
      return `Job ${jobId} exited with code ${end.exitStatus}${after}${why}.`
    case 'killed':
      return `Job ${jobId} was stopped${end.signal ? ` by ${end.signal}` : ''}${after}${why}; exit status ${end.exitStatus}.`
    case 'failed':
      return `Job ${jobId} failed${after}${why}; exit status ${end.exitStatus}.`
    case 'interrupted':
      return `Job ${jobId} was interrupted${after}${why} (the agent stopped); exit status ${end.exitStatus}.`
    default:
      return `Job ${jobId} ${end.status}${after}${why}; exit status ${end.exitStatus}.`
  }
}

function writer(options: LogOutput) {
  return logWriter({json: options.json, prefix: Boolean(options.prefix), stderr: options.stderr, stderrStyle: options.stderrStyle, stdout: options.stdout, timestamps: Boolean(options.timestamps)})
}

/**
 * Starts a job on a deal's agent and, with `follow`, writes its stdout to `stdout` and its stderr to
 * `stderr` until it ends: what `compute run` and `compute order --job` both do.
 */
export async function runJob(target: AgentTarget, options: RunJobOptions): Promise<{end: EndRecord | null; job: JobState; pulled?: PullResult & {outDir: string}; upload?: UploadReport}> {
  const {note} = options
  // The renter's own paths (inputs:) stay here; the agent gets the archive's hash in the signed spec.
  const {inputs: _inputs, ...spec} = options.spec
  let upload: UploadReport | undefined
  if (options.upload) {
    const {bytes, sha256} = options.upload
    const sent = await sendUpload(target, options.upload, {onProgress: (n, total) => options.onTransfer?.('upload', n, total)})
    upload = {bytes, sha256, stored: sent.stored}
    note(sent.stored ? `The agent already holds this upload (${formatSize(BigInt(bytes))}, sha256 ${sha256.slice(0, 12)}…): nothing sent.` : `Uploaded ${formatSize(BigInt(bytes))} (sha256 ${sha256.slice(0, 12)}…) to deal ${target.dealId}.`)
    spec.upload = {sha256, size: bytes}
  }
  const {job, logs} = await submitAndFollow(target, {
    follow: options.follow,
    ...reconnecting(target, options),
    onRecords: writer(options),
    onStarted: (started) => {
      note(`Started job ${started.id} on deal ${target.dealId} (${target.endpoint}).`)
      if (options.follow) options.onFollowing?.(started.id)
    },
    spec,
  })
  const end = logs?.end ?? null
  if (end) note(endNote(job.id, end))
  if (!end || !options.pull) return {end, job, upload}
  const pulled = await pullResults(target, job.id, {onProgress: (n, total) => options.onTransfer?.('pull', n, total), outDir: options.pull.outDir, paths: options.pull.paths})
  note(pulledNote(pulled, options.pull.outDir))
  return {end, job, pulled: {...pulled, outDir: path.resolve(options.pull.outDir)}, upload}
}

/** What was sent before a job. */
export interface UploadReport {
  bytes: number
  sha256: string
  /** The agent already held it; nothing was sent. */
  stored: boolean
}

export const pulledNote = (pulled: PullResult, outDir: string): string => `Pulled ${pulled.files} file${pulled.files === 1 ? '' : 's'} (${formatSize(BigInt(pulled.bytes))}) into ${outDir}.`

export interface JobLogsOptions extends LogOutput {
  follow: boolean
  /** Default: the deal's latest job. */
  jobId?: string
  /** ms since the epoch. */
  since?: number
  stream?: 'stderr' | 'stdout'
  tail?: number
}

/** `compute logs`'s result. */
export interface JobLogsReport {
  dealId: bigint
  end: EndRecord | null
  jobId: string
  lastSeq: number
  reconnects: number
  /** The job was still running at the end of a read without --follow. */
  running: boolean
}

/**
 * Writes a job's log (the deal's latest job by default) to `stdout` and `stderr`; with `follow`, until
 * the job ends, reconnecting after a drop and resuming after the last line written.
 */
export async function readJobLogs(target: AgentTarget, options: JobLogsOptions): Promise<JobLogsReport> {
  let {jobId} = options
  if (jobId === undefined) {
    const jobs = await listJobs(target)
    if (jobs.length === 0) throw nectarError('NO_JOBS', `Deal ${target.dealId} has no jobs yet.`, {hint: `Start one with \`nectar compute run ${target.dealId} --job job.json\`.`})
    jobId = jobs.at(-1)!.id
  }
  if (options.follow) options.onFollowing?.(jobId)
  const result = await followLogs(target, {
    follow: options.follow,
    jobId,
    ...reconnecting(target, options),
    onRecords: writer(options),
    since: options.since,
    stream: options.stream,
    tail: options.tail,
  })
  if (result.end) options.note(endNote(jobId, result.end))
  return {dealId: target.dealId, end: result.end ?? null, jobId, lastSeq: result.lastSeq, reconnects: result.reconnects, running: Boolean(result.eof)}
}

/** `compute run`'s result. */
export interface RunJobReport {
  dealId: bigint
  end: EndRecord | null
  endpoint: string
  job: JobState
  pulled?: PullResult & {outDir: string}
  upload?: UploadReport
}

/** `compute pull`'s result. */
export interface PullReport {
  /** Bytes of the files unpacked. */
  bytes: number
  dealId: bigint
  files: number
  jobId: string
  outDir: string
}

/** `compute jobs`'s result. */
export interface JobsReport {
  dealId: bigint
  jobs: JobView[]
}

/** `compute stop`'s result. */
export interface StopJobReport {
  dealId: bigint
  jobId: string
  status: JobState['status']
  stopping: boolean
}

/** `compute order --job`'s result: the deal, and the job started on it. */
export interface RentAndRunReport extends RentReport {
  endpoint: string
  job: JobState
  jobEnd: EndRecord | null
  pulled?: PullResult & {outDir: string}
  upload?: UploadReport
}
