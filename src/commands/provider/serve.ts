import {readFileSync} from 'node:fs'
import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {nectarError} from '../../lib/core/errors.js'
import {requireContract} from '../../lib/config/settings.js'

export default class ProviderServe extends BaseCommand<typeof ProviderServe> {
  static summary = 'Run the provider agent: accept jobs from your deals’ renters, run them, serve their logs.'
  static description = `A long-running agent. It keeps the asks of the plan file listed (placing each one missing at start, and again when a deal on it ends; never twice, even across restarts), bills its open deals every --bill-interval, closes forward deals whose time is up (each transaction is logged to stderr: starting the agent is the consent), and accepts a job for a deal only when the request is signed by the deal's renter (checked on chain). It runs jobs with the executor (in a container through the Docker Engine API — Docker or Podman — by default; as a host process on the devnet), keeps their output in an append-only log in the data dir (up to --max-log-bytes per job; logs of ended jobs are deleted after --log-retention, or oldest first when all logs pass --log-disk-budget), and serves start/status/stop/logs over HTTP(S). Jobs of a deal are killed when the deal closes. After a crash, a restart follows its containers again or reports the jobs as ended or interrupted. Prints the listening URL (under --json, one envelope with {url, pid}); everything else goes to stderr. Stop it with Ctrl-C or SIGTERM.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --plan ask.yaml --port 8701',
    '<%= config.bin %> <%= command.id %> --plan ask.yaml --bill-interval 30m --port 8443 --tls-cert cert.pem --tls-key key.pem',
    "<%= config.bin %> <%= command.id %> --plan ask.yaml --executor container --allow-image 'local/*' --allow-image 'docker.io/library/busybox:*' --pull never",
  ]
  static flags = {
    'allow-process-executor': Flags.boolean({description: 'Allow the process executor off the devnet (renters’ commands then run on this host)'}),
    'bill-interval': Flags.string({default: '1h', description: 'Bill each open deal when its last bill is this old (30m, 1h, 1d)'}),
    'data-dir': Flags.string({description: 'Where jobs and logs are kept (default: <data dir>/provider)'}),
    'allow-image': Flags.string({description: 'Container executor: an image a job may use, as a glob (local/*, docker.io/library/busybox:*); repeatable. No pattern = no image is allowed', multiple: true}),
    'engine-socket': Flags.string({description: 'Container executor: the Docker Engine API socket (default: DOCKER_HOST, else /run/podman/podman.sock, else /var/run/docker.sock)'}),
    executor: Flags.string({description: 'How jobs run: in containers (default) or as host processes (default on the devnet)', options: ['container', 'process']}),
    heartbeat: Flags.integer({default: 10_000, description: 'Heartbeat interval of idle log streams, ms', hidden: true, min: 10}),
    host: Flags.string({default: '127.0.0.1', description: 'Address to listen on (0.0.0.0 for every interface)'}),
    'kill-grace': Flags.integer({default: 5000, description: 'Between SIGTERM and SIGKILL when a job is stopped, ms', hidden: true, min: 0}),
    'log-disk-budget': Flags.string({default: '5GiB', description: 'Disk space for all job logs; past it, the logs of the oldest ended jobs are deleted (never a running job’s)'}),
    'log-retention': Flags.string({default: '7d', description: 'Delete the logs of jobs that ended longer ago than this (0 = keep them until the disk budget needs room)'}),
    'max-log-bytes': Flags.string({default: '100MiB', description: 'Log quota per job; past it, output is dropped (one line in the log says so)'}),
    'market-poll': Flags.integer({default: 30_000, description: 'How often asks, billing and ended deals are checked, ms', hidden: true, min: 50}),
    'on-log-quota': Flags.string({default: 'drop', description: 'At a job’s log quota: drop later output, or stop the job', options: ['drop', 'stop']}),
    plan: Flags.string({description: 'Ask plan file (YAML): one ask, or a list of asks, kept listed', required: true}),
    pull: Flags.string({default: 'missing', description: 'Container executor: when to pull a job’s image', options: ['never', 'missing', 'always']}),
    poll: Flags.integer({default: 5000, description: 'How often deals with running jobs are checked, ms', min: 50}),
    port: Flags.integer({default: 8701, description: 'Port to listen on (0 = any free port)', max: 65_535, min: 0}),
    'tls-cert': Flags.string({dependsOn: ['tls-key'], description: 'TLS certificate (PEM): serve HTTPS'}),
    'tls-key': Flags.string({dependsOn: ['tls-cert'], description: 'TLS private key (PEM)'}),
  }

  public async run() {
    const {flags} = this
    const settings = this.settings()
    const {DEVNET_CHAIN_ID} = await import('../../lib/config/networks.js')
    const {checkProcessExecutorAllowed, ProcessExecutor} = await import('../../lib/provider/process-executor.js')
    const onDevnet = Boolean(settings.network.devnet) && settings.network.chainId === DEVNET_CHAIN_ID
    const executorName = flags.executor ?? (onDevnet ? 'process' : 'container')
    if (executorName === 'process') {
      const warning = checkProcessExecutorAllowed({allow: flags['allow-process-executor'], chainId: settings.network.chainId, devnet: Boolean(settings.network.devnet), devnetChainId: DEVNET_CHAIN_ID})
      if (warning) this.warnToStderr(warning)
    }
    const readPem = (file: string, flag: string) => {
      try {
        return readFileSync(file)
      } catch (error) {
        throw nectarError('TLS_FILE_UNREADABLE', `Cannot read ${flag} ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {hint: `Pass the path of a PEM file to ${flag}.`})
      }
    }
    const tls = flags['tls-cert'] && flags['tls-key'] ? {cert: readPem(flags['tls-cert'], '--tls-cert'), key: readPem(flags['tls-key'], '--tls-key')} : undefined
    const {loadPlans} = await import('../../lib/market/plan.js')
    const {parseDuration, parseSize} = await import('../../lib/market/units.js')
    loadPlans(flags.plan, 1n) // a bad plan fails before anything starts
    const billIntervalSeconds = parseDuration(flags['bill-interval'], '--bill-interval')
    const maxLogBytes = Number(parseSize(flags['max-log-bytes'], '--max-log-bytes'))
    const logDiskBudget = Number(parseSize(flags['log-disk-budget'], '--log-disk-budget'))
    const logRetentionMs = Number(parseDuration(flags['log-retention'], '--log-retention')) * 1000
    // The marker line and an index entry must fit in the quota.
    if (maxLogBytes < 4096) throw nectarError('OUT_OF_RANGE', `--max-log-bytes ${flags['max-log-bytes']} is too small.`, {hint: 'Give at least 4KiB (the default is 100MiB).'})
    const market = requireContract(settings, 'market')
    const account = await this.signer()
    const supplier = account.address
    const client = await this.client()
    const {ChainMarketDuties} = await import('../../lib/provider/market-duties.js')
    const {cachedDealSource, chainDealSource} = await import('../../lib/provider/deals.js')
    const {Agent} = await import('../../lib/provider/agent.js')
    const {startServer} = await import('../../lib/provider/server.js')
    const dealSource = cachedDealSource(chainDealSource(client, market), 1000)
    const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`)
    const dataDir = path.resolve(flags['data-dir'] ?? path.join(this.dataDir, 'provider'))
    let executor: import('../../lib/provider/executor.js').Executor = new ProcessExecutor({killGraceMs: flags['kill-grace']})
    if (executorName === 'container') {
      const {openContainerExecutor} = await import('../../lib/provider/container-executor.js')
      const {agentIdOf} = await import('../../lib/provider/agent.js')
      const opened = await openContainerExecutor({agentId: agentIdOf(dataDir), allowImages: flags['allow-image'] ?? [], engineSocket: flags['engine-socket'], killGraceMs: flags['kill-grace'], pull: flags.pull as 'missing'})
      executor = opened.executor
      log(`Container executor on ${opened.address.url}; allowed images: ${(flags['allow-image'] ?? []).join(', ') || 'none (pass --allow-image)'}; pull ${flags.pull}.`)
    }
    const agent = Agent.open({
      dataDir,
      dealPollMs: flags.poll,
      dealSource,
      executor,
      log,
      logDiskBudget,
      logRetentionMs,
      market: new ChainMarketDuties({account, billIntervalSeconds, client, log, market, oracle: settings.network.contracts?.oracle}),
      marketPollMs: flags['market-poll'],
      maxLogBytes,
      onLogQuota: flags['on-log-quota'] as 'drop' | 'stop',
      plan: flags.plan,
      supplier,
    })
    const reconciled = await agent.reconcile()
    if (reconciled.adopted + reconciled.interrupted + reconciled.removed > 0) log(`After the restart: ${reconciled.adopted} job(s) followed again, ${reconciled.interrupted} interrupted, ${reconciled.removed} leftover container(s) removed.`)
    let running
    try {
      running = await startServer({agent, dealSource, heartbeatMs: flags.heartbeat, host: flags.host, port: flags.port, supplier, tls})
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        throw nectarError('PORT_IN_USE', `Cannot listen on ${flags.host}:${flags.port} (${code}).`, {hint: 'Pick another --port (or --port 0 for any free port), or stop what listens there.'})
      }
      throw error
    }
    agent.start()
    const info = {dataDir: agent.dataDir, executor: executor.name, pid: process.pid, supplier, url: running.url}
    if (this.jsonEnabled()) this.logJson(this.toSuccessJson(info))
    else {
      this.log(running.url)
      log(`Provider agent for ${supplier} on chain ${settings.network.chainId}, listening on ${running.url}; data in ${agent.dataDir}.`)
    }
    // Stay up until SIGINT/SIGTERM, then stop the jobs (recorded as killed), close, and exit 0.
    process.removeAllListeners('SIGINT')
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    log('Shutting down: stopping running jobs…')
    await agent.shutdown('the provider agent shut down')
    await running.close()
    log('Stopped.')
    process.exit(0)
  }

  private warnToStderr(message: string): void {
    process.stderr.write(`Warning: ${message}\n`)
  }
}
