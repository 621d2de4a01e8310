// `nectar provider doctor`: can this machine run renters' jobs in containers? Checks the engine socket,
// its version, what limits it applies (by running a probe container with the executor's own settings
// and reading back what the engine applied and what the job saw), and which allowed images are present.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {connectEngine, ContainerExecutor, type EngineAddress, imageAllowed, resolveEngine} from './container-executor.js'
import {NectarError} from '../core/errors.js'
import {loadPlans} from '../market/plan.js'
import {checkPlanGpus, findGpus, type GpuDevice, usableGpus} from './gpus.js'
import {type SandboxProbe} from './sandbox.js'

export interface DoctorCheck {
  detail: string
  /** What to do when it failed (or, with `warn`, what would make it better). */
  fix?: string
  name: string
  ok: boolean
  /** Not a failure, but worth the operator's attention (shown as WARN). */
  warn?: boolean
}

/**
 * The process executor's sandbox: bubblewrap, probed as `provider serve --executor process` probes it.
 * Its absence does not fail the doctor (the container executor does not need it): it is a warning.
 */
export function sandboxCheck(probe: SandboxProbe): DoctorCheck {
  if (probe.ok) return {detail: probe.detail, name: 'process sandbox', ok: true}
  return {detail: `${probe.detail}: \`--executor process\` jobs would run uncontained (the devnet only, or with --allow-unsandboxed)`, fix: 'Install bubblewrap (apt-get install bubblewrap); where the host forbids user namespaces, allow them or use the container executor.', name: 'process sandbox', ok: true, warn: true}
}

export interface DoctorReport {
  checks: DoctorCheck[]
  engine: string
  /** Which engine answered (undefined when none did). */
  engineKind?: 'docker' | 'podman'
  /** The GPUs found on this machine (CDI specs, nvidia-smi). */
  gpus?: GpuDevice[]
}

/**
 * The machine's GPUs: found (nvidia-smi, the CDI specs), usable by the engine (Podman: CDI names only),
 * and, given a plan, whether its asks offer no more than that.
 */
export function gpuChecks(kind: 'docker' | 'podman' | undefined, plan?: string, find = findGpus): {checks: DoctorCheck[]; gpus: GpuDevice[]} {
  const {gpus, skipped} = find()
  const checks: DoctorCheck[] = []
  const listed = gpus.map((g) => `${g.id}${g.model ? ` (${g.model})` : ''}`).join(', ')
  checks.push({detail: gpus.length > 0 ? `${gpus.length} found: ${listed}` : 'none found (no nvidia-smi GPU, no vendor/gpu device in the CDI specs of /etc/cdi and /var/run/cdi)', name: 'gpus', ok: true})
  for (const problem of skipped) checks.push({detail: `skipped ${problem}`, fix: 'Fix or remove that CDI spec file.', name: 'cdi spec', ok: true, warn: true})
  const usable = kind ? usableGpus(gpus, kind) : gpus
  if (usable.length < gpus.length) checks.push({detail: `${gpus.length - usable.length} GPU(s) have no CDI spec; Podman takes GPUs only by CDI name`, fix: 'Write one: nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml', name: 'gpus for podman', ok: true, warn: true})
  if (plan) {
    try {
      checkPlanGpus(loadPlans(plan, 1n), usable.length, plan)
      checks.push({detail: `${plan} offers no more GPUs than the ${usable.length} usable here`, name: 'plan gpus', ok: true})
    } catch (error) {
      if (!(error instanceof NectarError)) throw error
      checks.push({detail: error.message, fix: error.hint, name: 'plan gpus', ok: false})
    }
  }
  return {checks, gpus}
}

const msg = (error: unknown) => ((error as {json?: {message?: string}}).json?.message ?? (error as Error).message ?? String(error)).split('\n')[0]

export async function runDoctor(options: {allowImages: readonly string[]; engineSocket?: string}): Promise<DoctorReport> {
  const address: EngineAddress = resolveEngine(options.engineSocket)
  const checks: DoctorCheck[] = []
  const add = (name: string, ok: boolean, detail: string, fix?: string) => checks.push({detail, name, ok, ...(ok ? {} : {fix})})
  const engine = await connectEngine(address)
  try {
    await engine.ping()
    add('engine socket', true, `${address.url} answers (from ${address.from})`)
  } catch (error) {
    add('engine socket', false, `${address.url} (from ${address.from}): ${msg(error)}`, 'Start the engine (`podman system service --time=0 unix:///run/podman/podman.sock &` or the Docker daemon), or pass --engine-socket / set DOCKER_HOST.')
    return {checks, engine: address.url}
  }

  const version = await engine.version()
  const podman = version.Components?.some((c) => /podman/i.test(c.Name)) ?? false
  const api = Number(version.ApiVersion)
  const kind = podman ? 'podman' : 'docker'
  add('engine version', api >= 1.4, `${podman ? 'Podman' : 'Docker'} ${version.Version}, API ${version.ApiVersion}, ${version.Os}/${version.Arch}`, 'Upgrade the engine to one speaking Docker API 1.40 or later.')

  const info = (await engine.info()) as Record<string, unknown>
  const cgroup = String(info.CgroupVersion ?? '?')
  add('cgroups', true, `cgroup v${cgroup}, driver ${String(info.CgroupDriver ?? '?')}${cgroup === '2' ? '' : ' (v1: limits work; OOM kills are inferred from exit 137, as the engine may not flag them)'}`)
  const supported = (key: string) => info[key] === undefined || info[key] === true
  add('memory limit', supported('MemoryLimit'), supported('MemoryLimit') ? 'supported' : 'the engine reports no memory cgroup', 'Enable the memory cgroup controller (cgroup_enable=memory) and restart the engine.')
  add('cpu limit', supported('CpuCfsQuota'), supported('CpuCfsQuota') ? 'supported (CFS quota)' : 'the engine reports no CFS quota', 'Enable the cpu cgroup controller (CFS bandwidth) and restart the engine.')
  add('pids limit', supported('PidsLimit'), supported('PidsLimit') ? 'supported' : 'the engine reports no pids cgroup', 'Enable the pids cgroup controller and restart the engine.')

  // Images: which allowed patterns have an image here.
  const images = await engine.listImages()
  const tags = images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>')
  const matches = (pattern: string) => tags.filter((t) => imageAllowed(t, [pattern]) || imageAllowed(t.replace(/^localhost\//, ''), [pattern]))
  if (options.allowImages.length === 0) add('allowed images', false, 'no --allow-image pattern: every job would be refused', 'Pass --allow-image PATTERN (e.g. local/* or docker.io/library/busybox:*) here and to `provider serve`.')
  for (const pattern of options.allowImages) {
    const found = matches(pattern)
    add(`image ${pattern}`, found.length > 0, found.length > 0 ? `present: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ` (+${found.length - 5})` : ''}` : 'no local image matches', 'Pull or build a matching image (`podman pull …`, `podman import …`), or serve with --pull missing.')
  }

  // A probe container with the executor's own settings: what the engine applied, and what a job sees.
  const probeImage = options.allowImages.flatMap((p) => matches(p))[0]
  if (!probeImage) {
    add('probe container', false, 'skipped: no allowed image is present to run it with', 'Make an allowed image present, then run the doctor again.')
    return {checks, engine: address.url, engineKind: kind}
  }
  const executor = new ContainerExecutor({agentId: 'doctor', allowImages: [probeImage], engine, pull: 'never'})
  const outputs: Record<string, string> = {stderr: '', stdout: ''}
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'nectar-doctor-'))
  const ended = await new Promise<{code: number | null; reason?: string}>((resolve) => {
    executor.start(
      {dealId: '0', id: `probe-${process.pid}-${Date.now()}`, limits: {cpuCores: 1, outbound: false, ramBytes: 64 * 1024 * 1024}, spec: {args: ['-c', 'ip -o link 2>/dev/null | wc -l; touch /nectar-probe 2>/dev/null && echo rootfs-writable || echo rootfs-readonly; echo x > /tmp/p && echo tmp-writable; id -u'], command: 'sh', image: probeImage, timeLimit: 30}, timeLimitMs: 30_000, workDir},
      {onExit: (code, _signal, reason) => resolve({code, reason}), onOutput: (stream, bytes) => (outputs[stream] += bytes.toString())},
    )
  })
  rmSync(workDir, {force: true, recursive: true})
  if (ended.code !== 0) {
    add('probe container', false, `${probeImage}: ${ended.reason ?? `exit ${ended.code}`} ${outputs.stderr.trim().split('\n')[0] ?? ''}`.trim(), 'Run `podman run --rm --read-only --network none --memory 64m --pids-limit 256 <image> sh -c true` by hand to see the engine error; containers.md lists the fixes for rlimits and cgroups.')
    return {checks, engine: address.url, engineKind: kind}
  }
  const [links, rootfs, tmp, uid] = outputs.stdout.trim().split('\n')
  add('probe container', true, `${probeImage} ran with memory 64 MiB, 1 cpu, pids 256 (uid ${uid})`)
  add('network none', links === '1', links === '1' ? 'the job sees only lo' : `the job sees ${links} links`, 'The engine ignored NetworkMode none: check its network configuration.')
  add('read-only root fs', rootfs === 'rootfs-readonly' && tmp === 'tmp-writable', `${rootfs ?? '?'}, /tmp ${tmp ?? 'not writable'}`, 'The engine ignored ReadonlyRootfs or the /tmp tmpfs: upgrade it.')
  add('non-root user', uid !== '0', `uid ${uid}`, 'The engine ignored the User setting.')
  return {checks, engine: address.url, engineKind: kind}
}
