import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {durationFlag, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'

export default class ProviderServe extends BaseCommand<typeof ProviderServe> {
  static summary = 'Run the provider agent: take, run and bill jobs.'
  static description = `A long-running agent. It keeps the asks of the plan file listed (placing each one missing at start, and again when a deal on it ends; never twice, even across restarts), bills its open deals every --bill-interval (each on its own), closes forward deals whose time is up (each transaction is logged to stderr: starting the agent is the consent), and accepts a job for a deal only when the request is signed by the deal's renter (checked on chain). It runs jobs with the executor (in a container through the Docker Engine API — Docker or Podman — by default; as a host process on the devnet), keeps their output in an append-only log in the data dir (up to --max-log-bytes per job; logs of ended jobs are deleted after --log-retention, or oldest first when all logs pass --log-disk-budget), and serves start/status/stop/logs over HTTP(S). A renter's uploads (up to --max-upload per deal) are unpacked into a job's work dir before it starts; the outputs a job declares can be pulled once it ends, until the deal has been closed for --results-retention. Jobs of a deal are killed when the deal closes. A deal whose Bill would revert (the renter's SNM allowance does not cover the next period) is unfunded: it takes no new jobs (the renter is told to run \`nectar compute fund\`), and after --unfunded-grace its jobs stop and a spot deal is closed, paying what its escrow covers; funded again, it takes jobs again. After a crash, a restart follows its containers again or reports the jobs as ended or interrupted. Prints the listening URL (under --json, one envelope with {url, pid}); everything else goes to stderr. Stop it with Ctrl-C or SIGTERM.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --plan ask.yaml --port 8701',
    '<%= config.bin %> <%= command.id %> --plan ask.yaml --bill-interval 30m --port 8443 --tls-cert cert.pem --tls-key key.pem',
    "<%= config.bin %> <%= command.id %> --plan ask.yaml --executor container --allow-image 'local/*' --allow-image 'docker.io/library/busybox:*' --pull never",
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    'allow-process-executor': Flags.boolean({description: 'Allow the process executor off the devnet (renters’ commands then run on this host)'}),
    'allow-unsandboxed': Flags.boolean({description: 'Process executor off the devnet: run jobs even where the bubblewrap sandbox cannot (they then see this user’s files and processes)'}),
    'bill-interval': durationFlag({description: 'Bill each open deal when its last bill is this old (30m, 1h, 1.5h, 1d) [default: 1h]'}),
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
    'max-upload': Flags.string({default: '2GiB', description: 'Uploads (job inputs) a deal may hold at once; a bigger upload is refused before its body is sent'}),
    'market-poll': Flags.integer({default: 30_000, description: 'How often asks, billing and ended deals are checked, ms', hidden: true, min: 50}),
    'on-log-quota': Flags.string({default: 'drop', description: 'At a job’s log quota: drop later output, or stop the job', options: ['drop', 'stop']}),
    plan: Flags.string({description: 'Ask plan file (YAML): one ask, or a list of asks, kept listed', required: true}),
    pull: Flags.string({default: 'missing', description: 'Container executor: when to pull a job’s image', options: ['never', 'missing', 'always']}),
    poll: Flags.integer({default: 5000, description: 'How often deals with running jobs are checked, ms', min: 50}),
    'results-retention': Flags.string({default: '7d', description: 'Keep a deal’s uploads, work dirs and job results this long after it closes'}),
    port: Flags.integer({default: 8701, description: 'Port to listen on (0 = any free port)', max: 65_535, min: 0}),
    'tls-cert': Flags.string({dependsOn: ['tls-key'], description: 'TLS certificate (PEM): serve HTTPS'}),
    'tls-key': Flags.string({dependsOn: ['tls-cert'], description: 'TLS private key (PEM)'}),
    'unfunded-grace': durationFlag({allowZero: true, description: 'How long a deal whose Bill reverts (unfunded) keeps its running jobs; then they stop and a spot deal is closed (5m, 10m, 1h) [default: 10m]'}),
  }

  public async run(): Promise<never> {
    const settings = this.settings()
    const {launchAgent, prepareAgent} = await import('../../lib/provider/launch-agent.js')
    const setup = prepareAgent(this.flags, {configDir: this.configDir, dataDir: this.dataDir, network: settings.network, warn: (message) => this.warnUser(message)})
    const market = requireContract(settings, 'market')
    const account = await this.signer()
    const client = await this.client()
    const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`)
    const launched = await launchAgent(client, {...setup, account, log, market, oracle: settings.network.contracts?.oracle})
    const {info} = launched
    if (this.jsonEnabled()) this.logJson(this.toSuccessJson(info))
    else {
      this.log(info.url)
      log(`Provider agent for ${info.supplier} on chain ${settings.network.chainId}, listening on ${info.url}; data in ${info.dataDir}.`)
    }
    // Stay up until SIGINT/SIGTERM, then stop the jobs (recorded as killed), close, and exit 0.
    process.removeAllListeners('SIGINT')
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await launched.stop()
    process.exit(0)
  }
}
