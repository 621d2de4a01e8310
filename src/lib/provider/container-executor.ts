// Runs a renter's job in an OCI container through the Docker Engine API (dockerode), so it works with
// Docker and with Podman's Docker-compatible socket. Each job gets a container of its own:
//   - the job's image, command, args and env; its files in the working dir /work;
//   - the deal's limits: cpuCores -> NanoCpus, ramSize -> Memory (no swap), a pids limit;
//   - no network unless the ask has the `outbound` netflag (NetworkMode none);
//   - read-only root fs, tmpfs /tmp (and /work when the job brings no files), CapDrop ALL,
//     no-new-privileges, a non-root user unless the image names one;
//   - labels nectar.agent / nectar.deal / nectar.job, so a restarted agent finds what it started.
// stdout and stderr come apart (Tty false, the 8-byte multiplexed frames parsed here), the exit code is
// kept, an OOM kill is reported as such, the time limit and a closed deal kill it, and the container is
// always removed once its output is in the log. After an agent crash, adopt() re-reads the container's
// log from the engine and delivers only the bytes past what the store already holds (no line lost or
// repeated), then follows it to its end; sweep() removes anything left with this agent's label.
import {existsSync} from 'node:fs'
import {chmodSync, mkdirSync} from 'node:fs'
import os from 'node:os'

import {nectarError} from '../core/errors.js'
import {type Executor, type ExecutorCallbacks, type ExecutorHandle, type ExecutorJob} from './executor.js'
import {type JobSpec} from './job-spec.js'
import {type StreamName} from './log-store.js'
import {formatMs, writeFiles} from './process-executor.js'

type Docker = import('dockerode')
type Container = import('dockerode').Container

export type PullPolicy = 'always' | 'missing' | 'never'
export const DEFAULT_ENGINE_SOCKETS = ['/run/podman/podman.sock', '/var/run/docker.sock']
export const LABEL_AGENT = 'nectar.agent'
export const LABEL_DEAL = 'nectar.deal'
export const LABEL_JOB = 'nectar.job'
/** The uid:gid jobs run as when the image does not name a user (nobody). */
export const JOB_USER = '65534:65534'
export const JOB_WORKDIR = '/work'

export interface EngineAddress {
  /** How it was found: the flag, DOCKER_HOST, or a default path. */
  from: string
  host?: string
  port?: number
  protocol?: 'http' | 'https'
  socketPath?: string
  /** For messages: unix:///run/podman/podman.sock, tcp://host:2375. */
  url: string
}

/**
 * The engine to talk to: --engine-socket, else DOCKER_HOST, else the first default socket that exists
 * (Podman's, then Docker's); the last default when none exists (so the error names it).
 */
export function resolveEngine(flag?: string, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const given = flag ?? (env.DOCKER_HOST || undefined)
  const from = flag ? '--engine-socket' : 'DOCKER_HOST'
  if (given) {
    if (given.startsWith('tcp://') || given.startsWith('http://') || given.startsWith('https://')) {
      const url = new URL(given.replace(/^tcp:/, 'http:'))
      return {from, host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === 'https:' ? 'https' : 'http', url: given}
    }
    const socketPath = given.replace(/^unix:\/\//, '')
    return {from, socketPath, url: `unix://${socketPath}`}
  }
  const socketPath = DEFAULT_ENGINE_SOCKETS.find((p) => existsSync(p)) ?? DEFAULT_ENGINE_SOCKETS.at(-1)!
  return {from: 'default', socketPath, url: `unix://${socketPath}`}
}

export async function connectEngine(address: EngineAddress): Promise<Docker> {
  const {default: Dockerode} = await import('dockerode')
  return address.socketPath ? new Dockerode({socketPath: address.socketPath}) : new Dockerode({host: address.host, port: address.port, protocol: address.protocol})
}

/** A glob (`*` any run of characters, `?` one) as an anchored RegExp. */
function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.') + '$')
}

/** The names an image reference is known by: as written, with :latest, and fully qualified (docker.io/library/…). */
export function imageNames(image: string): string[] {
  const names = new Set([image])
  const lastPart = image.slice(image.lastIndexOf('/') + 1)
  const tagged = lastPart.includes(':') || lastPart.includes('@') ? image : `${image}:latest`
  names.add(tagged)
  const first = tagged.split('/')[0]
  const hasRegistry = tagged.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (!hasRegistry) names.add(tagged.includes('/') ? `docker.io/${tagged}` : `docker.io/library/${tagged}`)
  return [...names]
}

/** Whether an image is on the allow-list (any of its names matches any pattern). */
export function imageAllowed(image: string, patterns: readonly string[]): boolean {
  const names = imageNames(image)
  return patterns.some((p) => {
    const re = globToRegExp(p)
    return names.some((n) => re.test(n))
  })
}

export interface ContainerExecutorOptions {
  /** Labels the containers, so a restart finds its own (and never another agent's). */
  agentId: string
  /** Image globs a job may use; an empty list refuses every image. */
  allowImages: readonly string[]
  engine: Docker
  /** Between SIGTERM and SIGKILL when a job is stopped. Default 5 s. */
  killGraceMs?: number
  /** Default 256. */
  pidsLimit?: number
  /** Default missing. */
  pull?: PullPolicy
  /** Size of the /tmp (and /work) tmpfs, e.g. 256m. */
  tmpfsSize?: string
}

/** Splits the engine's multiplexed stream (8-byte header: stream, 0, 0, 0, u32 BE length) into frames. */
export class FrameParser {
  private pending = Buffer.alloc(0)
  constructor(private readonly onFrame: (stream: StreamName, bytes: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk
    while (buf.length >= 8) {
      const length = buf.readUInt32BE(4)
      if (buf.length < 8 + length) break
      const type = buf[0]
      if (length > 0 && (type === 1 || type === 2)) this.onFrame(type === 1 ? 'stdout' : 'stderr', buf.subarray(8, 8 + length))
      buf = buf.subarray(8 + length)
    }
    this.pending = Buffer.from(buf)
  }
}

/**
 * Delivers a job's output from sources that each start at the beginning of the container's output
 * (attach before start, or the engine's log): only bytes past what was already delivered pass.
 */
class Delivery {
  constructor(
    private readonly delivered: Record<StreamName, number>,
    private readonly onOutput: (stream: StreamName, bytes: Buffer) => void,
  ) {}

  source(): FrameParser {
    const at: Record<StreamName, number> = {stderr: 0, stdout: 0}
    return new FrameParser((stream, bytes) => {
      const start = at[stream]
      at[stream] += bytes.length
      const skip = this.delivered[stream] - start
      if (skip >= bytes.length) return
      const fresh = skip > 0 ? bytes.subarray(skip) : bytes
      this.delivered[stream] += fresh.length
      this.onOutput(stream, Buffer.from(fresh))
    })
  }
}

const isNotFound = (error: unknown) => (error as {statusCode?: number}).statusCode === 404
const message = (error: unknown) => {
  const e = error as {json?: {message?: string}; message?: string; reason?: string}
  return (e.json?.message ?? e.message ?? String(error)).split('\n')[0]
}

export class ContainerExecutor implements Executor {
  readonly name = 'container'
  readonly engine: Docker
  private readonly killGraceMs: number
  private readonly pidsLimit: number
  private readonly pull: PullPolicy
  private readonly tmpfsSize: string
  private readonly pulling = new Map<string, Promise<void>>()

  constructor(readonly options: ContainerExecutorOptions) {
    this.engine = options.engine
    this.killGraceMs = options.killGraceMs ?? 5000
    this.pidsLimit = options.pidsLimit ?? 256
    this.pull = options.pull ?? 'missing'
    this.tmpfsSize = options.tmpfsSize ?? '256m'
  }

  refuse(spec: JobSpec): string | undefined {
    const allowed = this.options.allowImages
    if (!spec.image) return `This agent runs jobs in containers: the job must name an image${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}. Add "image" to the job spec.`
    if (!imageAllowed(spec.image, allowed)) {
      return allowed.length === 0
        ? `Image ${spec.image} is refused: this provider allows no images (it was started without --allow-image).`
        : `Image ${spec.image} is not allowed on this provider; allowed images: ${allowed.join(', ')}. Use one of those.`
    }
    return undefined
  }

  private labels(job: ExecutorJob): Record<string, string> {
    return {[LABEL_AGENT]: this.options.agentId, [LABEL_DEAL]: job.dealId ?? '0', [LABEL_JOB]: job.id}
  }

  private async ensureImage(image: string): Promise<{user?: string}> {
    const inspect = async () => {
      try {
        return await this.engine.getImage(image).inspect()
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
    }
    let info = this.pull === 'always' ? undefined : await inspect()
    if (!info) {
      if (this.pull === 'never') throw new Error(`image ${image} is not on this provider and the pull policy is never`)
      // One pull per image at a time, however many jobs ask for it.
      let pulling = this.pulling.get(image)
      if (!pulling) {
        pulling = (async () => {
          const stream = await this.engine.pull(image)
          await new Promise<void>((resolve, reject) => this.engine.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())))
        })().finally(() => this.pulling.delete(image))
        this.pulling.set(image, pulling)
      }
      try {
        await pulling
      } catch (error) {
        throw new Error(`cannot pull image ${image} (${message(error)})`)
      }
      info = await inspect()
      if (!info) throw new Error(`image ${image} is still missing after the pull`)
    }
    return {user: info.Config?.User || undefined}
  }

  private createOptions(job: ExecutorJob, imageUser?: string): import('dockerode').ContainerCreateOptions {
    const {spec, limits = {}} = job
    // An upload is unpacked into the job's directory on the host, and outputs are packed from it.
    const hasFiles = hostWorkDir(spec)
    const tmpfs: Record<string, string> = {'/tmp': `rw,nosuid,nodev,size=${this.tmpfsSize},mode=1777`}
    if (!hasFiles) tmpfs[JOB_WORKDIR] = `rw,nosuid,nodev,size=${this.tmpfsSize},mode=1777`
    const cpus = limits.cpuCores ? Math.min(limits.cpuCores, os.availableParallelism()) : 0
    const rootUser = !imageUser || imageUser === 'root' || imageUser === '0' || imageUser.startsWith('0:') || imageUser.startsWith('root:')
    return {
      AttachStderr: true,
      AttachStdout: true,
      Cmd: [spec.command, ...(spec.args ?? [])],
      Env: Object.entries({HOME: JOB_WORKDIR, ...spec.env}).map(([k, v]) => `${k}=${v}`),
      HostConfig: {
        // The job's files live in its directory on the host, mounted as the working dir.
        Binds: hasFiles ? [`${job.workDir}:${JOB_WORKDIR}:rw`] : undefined,
        CapDrop: ['ALL'],
        Memory: limits.ramBytes || undefined,
        MemorySwap: limits.ramBytes || undefined,
        NanoCpus: cpus > 0 ? Math.round(cpus * 1e9) : undefined,
        NetworkMode: limits.outbound ? undefined : 'none',
        PidsLimit: this.pidsLimit,
        ReadonlyRootfs: true,
        SecurityOpt: ['no-new-privileges'],
        Tmpfs: tmpfs,
      },
      Image: spec.image,
      Labels: this.labels(job),
      OpenStdin: false,
      Tty: false,
      User: rootUser ? JOB_USER : imageUser,
      WorkingDir: JOB_WORKDIR,
      name: `nectar-${this.options.agentId}-${job.dealId ?? '0'}-${job.id}`,
    }
  }

  start(job: ExecutorJob, callbacks: ExecutorCallbacks): ExecutorHandle {
    const run = new ContainerRun(this, job, callbacks, {stderr: 0, stdout: 0})
    void run.launch()
    return run.handle
  }

  async adopt(job: ExecutorJob, kept: Record<StreamName, number>, callbacks: ExecutorCallbacks): Promise<ExecutorHandle | undefined> {
    const found = await this.engine.listContainers({all: true, filters: {label: Object.entries(this.labels(job)).map(([k, v]) => `${k}=${v}`)}})
    if (found.length === 0) return undefined
    const run = new ContainerRun(this, job, callbacks, {...kept})
    void run.reattach(this.engine.getContainer(found[0].Id))
    return run.handle
  }

  async sweep(keep: Set<string>): Promise<number> {
    const found = await this.engine.listContainers({all: true, filters: {label: [`${LABEL_AGENT}=${this.options.agentId}`]}})
    let removed = 0
    for (const c of found) {
      if (keep.has(`${c.Labels[LABEL_DEAL]}/${c.Labels[LABEL_JOB]}`)) continue
      try {
        await this.engine.getContainer(c.Id).remove({force: true})
        removed++
      } catch (error) {
        if (!isNotFound(error)) throw error
      }
    }
    return removed
  }

  /** @internal */
  prepare(job: ExecutorJob): Promise<import('dockerode').ContainerCreateOptions> {
    return this.ensureImage(job.spec.image!).then(({user}) => {
      if (hostWorkDir(job.spec)) {
        writeFiles(job)
        chmodSync(job.workDir, 0o1777)
      } else mkdirSync(job.workDir, {recursive: true})
      return this.createOptions(job, user)
    })
  }

  /** @internal */
  get graceMs(): number {
    return this.killGraceMs
  }
}

/** Whether the job's work dir lives on the host (files, an upload, or outputs to bring back), else a tmpfs. */
const hostWorkDir = (spec: ExecutorJob['spec']): boolean => (spec.files?.length ?? 0) > 0 || spec.upload !== undefined || (spec.outputs?.length ?? 0) > 0

/** One job's container, from create (or adopt) to removal. */
class ContainerRun {
  private container?: Container
  private ended = false
  private killTimer?: NodeJS.Timeout
  private limitTimer?: NodeJS.Timeout
  private reason?: string
  private readonly delivery: Delivery
  readonly handle: ExecutorHandle

  constructor(
    private readonly executor: ContainerExecutor,
    private readonly job: ExecutorJob,
    private readonly callbacks: ExecutorCallbacks,
    delivered: Record<StreamName, number>,
  ) {
    this.delivery = new Delivery(delivered, (stream, bytes) => callbacks.onOutput(stream, bytes))
    this.handle = {kill: (why) => this.kill(why)}
  }

  private kill(why: string): void {
    if (this.ended || this.reason) return
    this.reason = why
    const c = this.container
    if (!c) return // not created yet: launch() sees the reason and stops there
    c.kill({signal: 'SIGTERM'}).catch(() => {})
    this.killTimer = setTimeout(() => void c.kill({signal: 'SIGKILL'}).catch(() => {}), this.executor.graceMs)
    this.killTimer.unref()
  }

  private armTimeLimit(startedAtMs: number): void {
    const limit = this.job.timeLimitMs
    if (limit === undefined) return
    const left = Math.max(0, startedAtMs + limit - Date.now())
    this.limitTimer = setTimeout(() => {
      const why = `time limit of ${formatMs(limit)} exceeded`
      if (this.ended || this.reason) return
      // Past the limit there is no grace: SIGKILL at once.
      this.reason = why
      void this.container?.kill({signal: 'SIGKILL'}).catch(() => {})
    }, left)
    this.limitTimer.unref()
  }

  async launch(): Promise<void> {
    const {engine} = this.executor
    let started = false
    try {
      if (this.reason) return this.finish(null, this.reason)
      const options = await this.executor.prepare(this.job)
      this.container = await engine.createContainer(options)
      const stream = (await this.container.attach({stderr: true, stdout: true, stream: true})) as NodeJS.ReadableStream
      const attached = this.consume(stream)
      if (this.reason) return await this.complete(attached, true)
      await this.container.start()
      started = true
      this.armTimeLimit(Date.now())
      await this.complete(attached, false)
    } catch (error) {
      await this.remove()
      this.finish(null, started ? `lost the container engine while the job ran: ${message(error)}` : `failed to start: ${message(error)}`)
    }
  }

  async reattach(container: Container): Promise<void> {
    this.container = container
    try {
      const info = await container.inspect()
      if (info.State.Status === 'created' || info.State.Status === 'configured') {
        // The agent died between create and start: start it now, as launch() would have.
        const stream = (await container.attach({stderr: true, stdout: true, stream: true})) as NodeJS.ReadableStream
        const attached = this.consume(stream)
        await container.start()
        this.armTimeLimit(Date.now())
        return await this.complete(attached, false)
      }
      const started = Date.parse(info.State.StartedAt)
      this.armTimeLimit(Number.isFinite(started) && started > 0 ? started : Date.now())
      const stream = (await container.logs({follow: true, stderr: true, stdout: true})) as unknown as NodeJS.ReadableStream
      await this.complete(this.consume(stream), false)
    } catch (error) {
      await this.remove()
      this.finish(null, `lost the container after the agent restarted: ${message(error)}`)
    }
  }

  /** Feeds a multiplexed stream into the delivery; resolves true when it ended cleanly. */
  private consume(stream: NodeJS.ReadableStream): {done: Promise<boolean>; stop: () => void} {
    const parser = this.delivery.source()
    let stopped = false
    const done = new Promise<boolean>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        if (!stopped) parser.push(chunk)
      })
      stream.on('end', () => resolve(true))
      stream.on('close', () => resolve(true))
      stream.on('error', () => resolve(false))
    })
    return {done, stop: () => ((stopped = true), (stream as unknown as {destroy?: () => void}).destroy?.())}
  }

  /** Waits for the container to exit, makes sure every byte is delivered, removes it, reports. */
  private async complete(output: {done: Promise<boolean>; stop: () => void}, neverStarted: boolean): Promise<void> {
    const c = this.container!
    let code: number | null = null
    if (!neverStarted) {
      const result = (await c.wait()) as {StatusCode: number}
      code = result.StatusCode
    }
    const clean = await Promise.race([output.done, new Promise<boolean>((r) => setTimeout(() => r(false), 2000))])
    output.stop()
    let oom = false
    if (!neverStarted) {
      // The attach (or log) stream may have been cut short: read the rest from the engine's log.
      if (!clean) {
        const logs = (await c.logs({follow: false, stderr: true, stdout: true})) as unknown as Buffer
        this.delivery.source().push(Buffer.isBuffer(logs) ? logs : Buffer.from(logs))
      }
      try {
        const info = await c.inspect()
        oom = info.State.OOMKilled
        // The engine's record wins when wait had none (podman answers -1 for some races).
        if (typeof info.State.ExitCode === 'number' && info.State.ExitCode >= 0 && (code === null || code < 0)) code = info.State.ExitCode
      } catch {}
    }
    await this.remove()
    // Podman on cgroup v1 does not set OOMKilled: a SIGKILL (137) nobody sent, with a memory limit, is the kernel's.
    if (!this.reason && code === 137 && (oom || this.job.limits?.ramBytes)) {
      const mib = this.job.limits?.ramBytes ? ` of ${Math.round(this.job.limits.ramBytes / 1048576)} MiB` : ''
      this.reason = `out of memory: killed at the memory limit${mib}`
    } else if (oom && !this.reason) this.reason = 'out of memory'
    this.finish(code, this.reason)
  }

  private async remove(): Promise<void> {
    if (!this.container) return
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.container.remove({force: true, v: true})
        return
      } catch (error) {
        if (isNotFound(error)) return
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  }

  private finish(code: number | null, reason?: string): void {
    if (this.ended) return
    this.ended = true
    clearTimeout(this.limitTimer)
    clearTimeout(this.killTimer)
    this.callbacks.onExit(code, null, reason)
  }
}

/**
 * Connects to the engine (pinged, so a wrong socket fails here with the fix, not at the first job) and
 * makes the executor.
 */
export async function openContainerExecutor(options: Omit<ContainerExecutorOptions, 'engine'> & {engineSocket?: string}): Promise<{address: EngineAddress; executor: ContainerExecutor}> {
  const address = resolveEngine(options.engineSocket)
  const engine = await connectEngine(address)
  try {
    await engine.ping()
  } catch (error) {
    throw nectarError('ENGINE_UNREACHABLE', `Cannot reach the container engine at ${address.url} (from ${address.from}): ${message(error)}.`, {
      hint: 'Start it (`podman system service --time=0 unix:///run/podman/podman.sock &`, or the Docker daemon), or pass --engine-socket; `nectar provider doctor` checks the setup.',
    })
  }
  return {address, executor: new ContainerExecutor({...options, engine})}
}
