// The process executor's sandbox: bubblewrap (bwrap). Each job gets its own user, PID, IPC and UTS
// namespaces (and its own network namespace, holding only lo, unless the ask lets it reach out), a
// fresh /proc of its PID namespace, a private /tmp, a minimal /dev, the system dirs and a short list of
// /etc files read-only, and its work dir read-write at /work. Nothing else of the host is mounted: not
// the agent's data dir (other jobs' logs and work dirs), not its config dir (keystores), not $HOME.
// Inside, the job runs as uid/gid 65534 with no capabilities. bwrap exits with the job's main process,
// and --die-with-parent makes the namespace's init die with bwrap (so also when bwrap is killed or the
// agent dies): the kernel then kills every process left in the namespace, so a setsid, double-forked or
// nohup'd child cannot outlive its job. (Without --die-with-parent the init would wait for them all.)
import {spawnSync} from 'node:child_process'
import {accessSync, constants, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Where the job's work dir appears inside the sandbox (as in the container executor). */
export const SANDBOX_WORKDIR = '/work'
/** PATH inside the sandbox (the agent's own PATH names dirs the sandbox does not have). */
export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
/** The uid and gid a job has inside the sandbox (nobody; mapped to the agent's own uid outside). */
export const SANDBOX_UID = 65_534

/** System dirs bound read-only (or recreated as the symlinks they are on a merged-/usr system). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']
/**
 * The /etc a job sees: what libc, the dynamic loader, name resolution, TLS and locale need, and nothing
 * that may hold a secret (no shadow, ssh, ssl/private, nor any service's config). A job is mapped to
 * the agent's uid, so whatever is bound here it can read even when the file is mode 0600.
 */
const ETC_FILES = [
  'alternatives', 'ca-certificates.conf', 'debian_version', 'gai.conf', 'group', 'host.conf', 'hostname', 'hosts',
  'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'mime.types', 'nsswitch.conf', 'os-release', 'passwd',
  'protocols', 'resolv.conf', 'services', 'ssl/certs', 'ssl/openssl.cnf', 'timezone',
]

export interface SandboxProbe {
  /** The bwrap binary (absolute path when it was found). */
  bwrap: string
  /** When ok: the version and what it isolates; else why the sandbox cannot run here. */
  detail: string
  ok: boolean
}

export interface SandboxJob {
  args: readonly string[]
  command: string
  /** The job's whole environment (already scrubbed). */
  env: Record<string, string>
  /** Host paths to cover with an empty tmpfs when they lie under a bound dir (the agent's data and config dirs). */
  hide?: readonly string[]
  /** Share the host's network (the ask's outbound netflag); else the job has only its own lo. */
  outbound: boolean
  /** The job's work dir on the host, bound read-write at /work. */
  workDir: string
}

let systemMounts: string[] | undefined

/** --ro-bind / --symlink arguments for the system dirs present on this host (computed once). */
function systemDirArgs(): string[] {
  if (systemMounts) return systemMounts
  const args: string[] = []
  for (const dir of SYSTEM_DIRS) {
    let stat
    try {
      stat = lstatSync(dir)
    } catch {
      continue
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir)
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir)
  }
  systemMounts = args
  return args
}

/** The host dirs a job can see (resolved), for the command look-up and for `hide`. */
function visibleRoots(): string[] {
  const roots = SYSTEM_DIRS.filter((dir) => {
    try {
      return lstatSync(dir).isDirectory()
    } catch {
      return false
    }
  })
  return [...roots, ...ETC_FILES.map((f) => path.join('/etc', f))]
}

const isUnder = (p: string, root: string) => p === root || p.startsWith(root.endsWith('/') ? root : root + '/')

/** bwrap's arguments for a job, up to and including its command and args. */
export function bwrapArgs(job: SandboxJob): string[] {
  const args = [
    '--unshare-user', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID),
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    ...(job.outbound ? [] : ['--unshare-net']),
    '--hostname', 'nectar-job',
    '--die-with-parent', '--new-session', '--cap-drop', 'ALL',
    ...systemDirArgs(),
    '--dir', '/etc',
  ]
  for (const file of ETC_FILES) args.push('--ro-bind-try', path.join('/etc', file), path.join('/etc', file))
  // The agent's own dirs, wherever the operator put them: when one lies under a bound dir, an empty tmpfs covers it.
  const roots = visibleRoots()
  for (const hidden of job.hide ?? []) {
    let real: string
    try {
      real = realpathSync(hidden)
    } catch {
      continue
    }
    if (roots.some((root) => isUnder(real, root))) {
      if (statSync(real).isDirectory()) args.push('--tmpfs', real)
      else args.push('--ro-bind', '/dev/null', real)
    }
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', '/var', '--tmpfs', '/var/tmp')
  args.push('--bind', job.workDir, SANDBOX_WORKDIR, '--chdir', SANDBOX_WORKDIR)
  // The environment goes in with --setenv: bwrap itself is started with an empty one, so that neither
  // the agent's environment nor the renter's (LD_PRELOAD…) reaches the process that runs outside.
  args.push('--clearenv')
  for (const [name, value] of Object.entries(job.env)) args.push('--setenv', name, value)
  args.push('--', job.command, ...job.args)
  return args
}

/**
 * Where the sandbox would find `command` (as bwrap's execvp does, with the job's PATH), as a host path,
 * or undefined. A path under /work is looked up in the work dir; other paths only under the bound dirs.
 */
export function sandboxCommand(command: string, pathEnv: string, workDir: string): string | undefined {
  const roots = visibleRoots()
  const hostPath = (inside: string): string | undefined => {
    const p = path.posix.normalize(inside)
    if (isUnder(p, SANDBOX_WORKDIR)) return path.join(workDir, path.posix.relative(SANDBOX_WORKDIR, p))
    return roots.some((root) => isUnder(p, root)) ? p : undefined
  }
  const runnable = (inside: string) => {
    const host = hostPath(inside)
    if (!host) return false
    try {
      accessSync(host, constants.X_OK)
      return statSync(host).isFile()
    } catch {
      return false
    }
  }
  if (command.includes('/')) {
    const inside = path.posix.isAbsolute(command) ? command : path.posix.join(SANDBOX_WORKDIR, command)
    return runnable(inside) ? inside : undefined
  }
  for (const dir of pathEnv.split(':')) {
    const inside = path.posix.join(dir === '' ? SANDBOX_WORKDIR : path.posix.isAbsolute(dir) ? dir : path.posix.join(SANDBOX_WORKDIR, dir), command)
    if (runnable(inside)) return inside
  }
  return undefined
}

/** `name` looked up on the agent's PATH (a path is taken as given). */
function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return path.resolve(name)
  for (const dir of pathEnv.split(':').filter(Boolean)) {
    const candidate = path.join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}

/**
 * Can jobs be sandboxed on this host? Runs `true` in a sandbox with every namespace a job gets (network
 * included), once; the answer says why not (bwrap missing, user namespaces disabled, …).
 */
export function probeSandbox(bwrap = 'bwrap'): SandboxProbe {
  const found = findOnPath(bwrap)
  if (!found) return {bwrap, detail: `${bwrap} is not installed (not found on PATH)`, ok: false}
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'nectar-sandbox-probe-'))
  try {
    const run = spawnSync(found, bwrapArgs({args: [], command: 'true', env: {PATH: SANDBOX_PATH}, outbound: false, workDir}), {encoding: 'utf8', env: {}, timeout: 10_000})
    if (run.error) {
      const code = (run.error as NodeJS.ErrnoException).code
      return {bwrap: found, detail: code === 'ENOENT' ? `${found} is not installed` : `${found} could not run: ${run.error.message}`, ok: false}
    }
    if (run.status !== 0) {
      const why = (run.stderr ?? '').trim().split('\n').at(-1) || `exit ${run.status ?? run.signal}`
      return {bwrap: found, detail: `${found} cannot create the job's namespaces on this host: ${why}`, ok: false}
    }
    const version = spawnSync(found, ['--version'], {encoding: 'utf8', env: {}, timeout: 5000}).stdout?.trim() || 'bubblewrap'
    return {bwrap: found, detail: `${version} (${found}): own PID, user, IPC and network namespaces, only system dirs and /work mounted`, ok: true}
  } finally {
    rmSync(workDir, {force: true, recursive: true})
  }
}

/** The one line an agent prints when jobs will run without the sandbox. */
export function unsandboxedWarning(probe: SandboxProbe): string {
  return `Process jobs run WITHOUT a sandbox: ${probe.detail}. They get a scrubbed environment and are killed by process group, but they can read this user's files and other processes (the agent's own /proc/<pid>/environ included), and a process that leaves its group (setsid) can outlive its job. Install bubblewrap (apt-get install bubblewrap) to contain them.`
}

/**
 * Every live descendant of `pid`, parents before children, with its parent, from /proc; empty off Linux
 * or when it has none. (A scan of /proc/N/stat: /proc/N/task/N/children needs CONFIG_PROC_CHILDREN.)
 */
/** A process's state letter and parent from /proc/PID/stat; undefined once it is gone. */
export function procStat(pid: number | string): {ppid: number; state: string} | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return {ppid: Number(ppid), state}
}

export function descendants(pid: number): Array<{pid: number; ppid: number}> {
  const children = new Map<number, number[]>()
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const stat = procStat(entry)
    if (!stat) continue
    const {ppid} = stat
    const list = children.get(ppid)
    if (list) list.push(Number(entry))
    else children.set(ppid, [Number(entry)])
  }
  const found: Array<{pid: number; ppid: number}> = []
  const queue = (children.get(pid) ?? []).map((p) => ({pid: p, ppid: pid}))
  while (queue.length > 0) {
    const next = queue.shift()!
    found.push(next)
    queue.push(...(children.get(next.pid) ?? []).map((p) => ({pid: p, ppid: next.pid})))
  }
  return found
}
