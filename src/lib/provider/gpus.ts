// The GPUs of the provider's machine, found without being told: the CDI specs in /etc/cdi and
// /var/run/cdi (the Container Device Interface files that `nvidia-ctk cdi generate` and other vendors'
// tools write; a device of a `vendor/gpu` kind is a GPU) and nvidia-smi. A GPU is given to a container
// in the form its engine takes: Podman by CDI name (its libpod API; the Docker-compatible API of
// Podman 4 ignores CDI DeviceRequests), Docker by a DeviceRequest (driver nvidia with the GPU's UUID,
// or driver cdi with the CDI name). An ask may offer no more GPUs than the machine has.
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {parse as parseYaml} from 'yaml'

import {nectarError} from '../core/errors.js'
import {BENCHMARK_NAMES} from '../market/benchmarks.js'

/** Where CDI specs live (the CDI spec's defaults; /var/run/cdi wins over /etc/cdi for a name in both). */
export const CDI_SPEC_DIRS = ['/etc/cdi', '/var/run/cdi']

export interface GpuDevice {
  /** A CDI name (vendor/class=name) or, from nvidia-smi, the GPU's UUID. */
  id: string
  model?: string
  /** Where it was found: a CDI spec file, or nvidia-smi. */
  source: string
  via: 'cdi' | 'nvidia'
}

/** A CDI name: vendor/class=name. */
export const isCdiName = (id: string) => /^[A-Za-z0-9][\w.-]*\/[\w-]+=[\w.:-]+$/.test(id)

interface CdiSpec {
  devices?: Array<{containerEdits?: {deviceNodes?: Array<{path?: string}>}; name?: unknown}>
  kind?: unknown
}

/**
 * The GPUs the CDI specs in `dirs` describe: devices of a `vendor/gpu` kind, except the `all` alias;
 * two names for the same device node (nvidia-ctk writes an index and a UUID) count once.
 * Unreadable or malformed files are skipped (reported in `skipped`).
 */
export function cdiGpus(dirs: readonly string[] = CDI_SPEC_DIRS): {gpus: GpuDevice[]; skipped: string[]} {
  const byName = new Map<string, {node?: string; source: string}>()
  const skipped: string[] = []
  for (const dir of dirs) {
    let files: string[]
    try {
      files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()
    } catch {
      continue
    }
    for (const file of files) {
      const source = path.join(dir, file)
      let spec: CdiSpec
      try {
        spec = parseYaml(readFileSync(source, 'utf8')) as CdiSpec
      } catch (error) {
        skipped.push(`${source}: ${(error as Error).message.split('\n')[0]}`)
        continue
      }
      const kind = typeof spec?.kind === 'string' ? spec.kind : ''
      if (!/^[A-Za-z0-9][\w.-]*\/gpu$/.test(kind) || !Array.isArray(spec.devices)) continue
      for (const device of spec.devices) {
        const name = typeof device?.name === 'string' ? device.name : ''
        if (!name || name === 'all' || !isCdiName(`${kind}=${name}`)) continue
        byName.set(`${kind}=${name}`, {node: device.containerEdits?.deviceNodes?.[0]?.path, source})
      }
    }
  }
  const nodes = new Set<string>()
  const gpus: GpuDevice[] = []
  for (const [id, {node, source}] of byName) {
    if (node && nodes.has(node)) continue
    if (node) nodes.add(node)
    gpus.push({id, source, via: 'cdi'})
  }
  return {gpus, skipped}
}

/** The GPUs nvidia-smi lists (none when it is not installed or fails). */
export function nvidiaSmiGpus(command = 'nvidia-smi'): GpuDevice[] {
  const run = spawnSync(command, ['--query-gpu=index,uuid,name', '--format=csv,noheader'], {encoding: 'utf8', timeout: 10_000})
  return run.status === 0 && run.stdout ? parseNvidiaSmi(run.stdout) : []
}

/** nvidia-smi's `--query-gpu=index,uuid,name --format=csv,noheader` lines as GPUs. */
export function parseNvidiaSmi(text: string): GpuDevice[] {
  return text
    .split('\n')
    .map((line) => line.split(',').map((s) => s.trim()))
    .filter((f) => f.length >= 3 && f[1].startsWith('GPU-'))
    .map(([, uuid, model]) => ({id: uuid, model, source: 'nvidia-smi', via: 'nvidia'}))
}

/**
 * Every GPU of this machine: the CDI GPUs, and nvidia-smi's when no CDI spec describes NVIDIA GPUs
 * (else they are the same GPUs twice).
 */
export function findGpus(options: {cdiDirs?: readonly string[]; nvidiaSmi?: string} = {}): {gpus: GpuDevice[]; skipped: string[]} {
  const cdi = cdiGpus(options.cdiDirs)
  const nvidiaInCdi = cdi.gpus.some((g) => g.id.startsWith('nvidia.com/'))
  return {gpus: [...cdi.gpus, ...(nvidiaInCdi ? [] : nvidiaSmiGpus(options.nvidiaSmi))], skipped: cdi.skipped}
}

/** `provider serve --gpu`: the GPUs named, each of which must be found; all found when none is named. */
export function chooseGpus(found: readonly GpuDevice[], named: readonly string[] = []): GpuDevice[] {
  if (named.length === 0) return [...found]
  return named.map((id) => {
    const gpu = found.find((g) => g.id === id || g.id.toLowerCase() === id.toLowerCase())
    if (!gpu) {
      throw nectarError('GPU_NOT_FOUND', `--gpu ${id} is not a GPU of this machine${found.length > 0 ? ` (found: ${found.map((g) => g.id).join(', ')})` : ' (none found)'}.`, {
        hint: 'Name a CDI device (vendor/gpu=NAME from a spec in /etc/cdi or /var/run/cdi) or an nvidia-smi GPU UUID; `nectar provider doctor` lists them.',
      })
    }
    return gpu
  })
}

/** The GPUs an engine can hand to containers: Podman only by CDI name. */
export const usableGpus = (gpus: readonly GpuDevice[], engine: 'docker' | 'podman'): GpuDevice[] => (engine === 'podman' ? gpus.filter((g) => g.via === 'cdi') : [...gpus])

const GPU_COUNT = BENCHMARK_NAMES.indexOf('gpuCount')

/** Refuses a plan (the PlaceOrder benchmark vectors of its asks) that offers more GPUs than `have`. */
export function checkPlanGpus(orders: ReadonlyArray<{benchmarks: readonly bigint[]}>, have: number, file: string): void {
  for (const [i, order] of orders.entries()) {
    const offered = order.benchmarks[GPU_COUNT] ?? 0n
    if (offered <= BigInt(have)) continue
    const which = orders.length > 1 ? ` (order ${i + 1})` : ''
    throw nectarError('PLAN_GPUS_OVER_MACHINE', `${file}${which} offers ${offered} GPU${offered === 1n ? '' : 's'}, but this machine has ${have}.`, {
      hint: `Lower resources.gpu.count to ${have} or less; \`nectar provider doctor\` lists the GPUs found (nvidia-smi, CDI specs in /etc/cdi and /var/run/cdi).`,
    })
  }
}

/** The plan offers a GPU at all (so the machine's GPUs must be looked for). */
export const planOffersGpus = (orders: ReadonlyArray<{benchmarks: readonly bigint[]}>) => orders.some((o) => (o.benchmarks[GPU_COUNT] ?? 0n) > 0n)
