// What a deal grants its jobs beyond CPU and memory, and the refusal of a job that asks for more: GPUs
// (the ask's gpuCount; a spec's `gpus` defaults to all of them) and published ports (only with the
// ask's `incoming` netflag). Checked by the renter's CLI before anything is sent (against the ask, or
// the deal) and again by the agent, which gives the job nothing the deal did not buy.
import {nectarError} from '../core/errors.js'
import {type JobLimits} from './executor.js'
import {jobPorts, type JobSpec} from './job-spec.js'

/** What a deal's ask grants its jobs: cpuCores, ramSize and gpuCount (benchmarks), outbound and incoming (netflags). */
export function dealLimits(deal: {benchmarks?: Record<string, bigint>; netflags?: Record<string, boolean>} | undefined): JobLimits {
  const b = deal?.benchmarks ?? {}
  const count = (v?: bigint) => (v ? Number(v) : undefined)
  return {cpuCores: count(b.cpuCores), gpus: count(b.gpuCount), incoming: Boolean(deal?.netflags?.incoming), outbound: Boolean(deal?.netflags?.outbound), ramBytes: count(b.ramSize)}
}

/** The GPUs a job gets: what its spec asks for, else all the deal bought. */
export const jobGpuCount = (spec: Pick<JobSpec, 'gpus'>, limits: JobLimits | undefined): number => spec.gpus ?? limits?.gpus ?? 0

export interface GrantRefusal {
  code: 'GPUS_OVER_DEAL' | 'PORTS_NOT_ALLOWED'
  hint: string
  message: string
}

/** Why a deal cannot run this spec (more GPUs than it bought, ports without `incoming`), or undefined. */
export function grantRefusal(spec: JobSpec, limits: JobLimits | undefined, what: string): GrantRefusal | undefined {
  const bought = limits?.gpus ?? 0
  if (jobGpuCount(spec, limits) > bought) {
    return {code: 'GPUS_OVER_DEAL', hint: `Ask for ${bought} GPU${bought === 1 ? '' : 's'} or fewer (gpus: in the spec; leave it out to get all the deal bought), or rent an offer with more (\`nectar compute offers --gpus N\`).`, message: `The job asks for ${spec.gpus} GPU${spec.gpus === 1 ? '' : 's'}, but ${what} has ${bought}.`}
  }
  const ports = jobPorts(spec)
  if (ports.length > 0 && !limits?.incoming) {
    return {code: 'PORTS_NOT_ALLOWED', hint: 'Drop ports: from the spec, or rent an offer with the incoming netflag (`nectar compute offers --netflags incoming`).', message: `The job publishes port${ports.length === 1 ? '' : 's'} ${ports.map((p) => p.port).join(', ')}, but ${what} lacks the incoming netflag.`}
  }
  return undefined
}

/** The renter's check before sending: a usage error naming the field and the fix. */
export function checkJobGrants(spec: JobSpec, limits: JobLimits | undefined, what: string): void {
  const refusal = grantRefusal(spec, limits, what)
  if (refusal) throw nectarError(refusal.code, refusal.message, {hint: refusal.hint})
}

/** The spec asks for something only the deal's ask can grant (so the renter's CLI reads the ask first). */
export const needsGrants = (spec: JobSpec) => spec.gpus !== undefined || (spec.ports?.length ?? 0) > 0
