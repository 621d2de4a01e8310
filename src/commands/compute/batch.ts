import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import type {BatchReport} from '../../lib/provider/batch-scheduler.js'

export default class ComputeBatch extends BaseCommand<typeof ComputeBatch> {
  static summary = 'Fan a task range out over several deals.'
  static description = `Splits --tasks FIRST-LAST into tasks of --per-task frames and runs each as a job of --job on the agents of the --deal deals, with TASK_START and TASK_END (the task's first and last frame) added to its env. Each deal runs as many tasks at once as it has CPU threads (its cpuCores; --slots sets another number). A task that fails (non-zero exit, its agent unreachable or dead) is tried again on another deal, up to --attempts times; an agent that stops answering is taken out of rotation and its tasks go to the others. When the spec declares outputs, each task's are pulled into --out. The batch is journaled in the data dir (or --journal FILE): run the same command again after a crash or Ctrl-C and no finished task is redone; jobs it had started are followed again. Every deal is checked first (yours, open): nothing starts otherwise. Exits 1 when a task failed for good.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --job render.yaml --tasks 1-240 --per-task 10 --deal 7 --deal 8 --deal 9 --out frames',
    '<%= config.bin %> <%= command.id %> --job job.yaml --tasks 1-12 --deal 7 --deal 8 --json',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    attempts: Flags.integer({default: 3, description: 'Jobs per task before it counts as failed (each retry on another deal when there is one)', max: 100, min: 1}),
    deal: Flags.string({description: 'A deal to run tasks on; repeatable', multiple: true, required: true}),
    job: Flags.string({description: 'Job spec file (YAML or JSON) each task runs', required: true}),
    journal: Flags.string({description: 'Journal file (default: one per batch in the data dir, keyed by its spec, range and deals)'}),
    out: Flags.string({description: 'Directory the tasks’ outputs are pulled into (when the spec declares outputs)'}),
    'per-task': Flags.integer({default: 1, description: 'Frames per task'}),
    slots: Flags.integer({description: 'Tasks at once per deal (default: the deal’s cpuCores)', max: 1024, min: 1}),
    tasks: Flags.string({description: 'Frames to render: FIRST-LAST (e.g. 1-240), or one frame', required: true}),
    wait: Flags.boolean({description: 'When another run of the same batch is going, wait for it to finish instead of refusing'}),
  }

  public async run(): Promise<BatchReport & {out: string | null}> {
    const {flags} = this
    const path = await import('node:path')
    const {parseTaskRange} = await import('../../lib/provider/task-range.js')
    const {parseDealId} = await import('../../lib/market/ids.js')
    const {loadJobSpecFile} = await import('../../lib/provider/job-spec.js')
    // Everything on the command line is checked before the chain is asked anything.
    const tasks = parseTaskRange(flags.tasks, flags['per-task'])
    const dealIds = [...new Set(flags.deal.map((d) => parseDealId(d)))]
    const spec = loadJobSpecFile(flags.job)
    const outputs = spec.outputs ?? []
    if (outputs.length > 0 && !flags.out) throw (await import('../../lib/core/errors.js')).nectarError('USAGE', `${flags.job} declares outputs, but no --out directory was given for them.`, {hint: 'Pass --out DIR: every task’s outputs are pulled into it.'})

    const settings = this.settings()
    const client = await this.client()
    const {market} = await this.marketAddresses([])
    const signer = await this.signer()
    const {checkBatchDeals} = await import('../../lib/provider/batch-deals.js')
    this.busy('Checking the deals…')
    const checked = await checkBatchDeals(client, {dealIds, market, signer: signer.address})
    const deals = await Promise.all(checked.map(async ({cores, dealId}) => ({dealId, slots: flags.slots ?? cores, target: await this.dealAgent(dealId)})))
    this.notBusy()

    const {BatchJournal, batchJournalFile} = await import('../../lib/provider/batch-journal.js')
    const identity = {chainId: settings.network.chainId, deals: dealIds, perTask: flags['per-task'], signer: signer.address, spec, tasks: `${tasks[0].start}-${tasks.at(-1)!.end}`}
    const file = flags.journal ?? batchJournalFile(path.join(this.dataDir, 'journals'), identity)
    const journal = await BatchJournal.open(file, identity, tasks, {wait: flags.wait})
    this.onInterruptTell(['Jobs already started keep running on their agents.', 'Run the same command again: finished tasks are not redone, and started ones are followed again.'])
    const tty = Boolean(process.stderr.isTTY) && !this.jsonEnabled()
    const {runBatch} = await import('../../lib/provider/batch-scheduler.js')
    let report: BatchReport
    try {
      if (journal.resumed) this.note(`Resuming the batch journaled in ${journal.file}.`)
      const bar = this.progress('Tasks', tasks.length)
      report = await runBatch({
        deals,
        journal,
        maxAttempts: flags.attempts,
        note: (message) => {
          if (tty) process.stderr.write('\r\u001B[K')
          this.note(message)
        },
        onChange: ({done, failed, running}) => bar.update(done, [running > 0 ? `${running} running` : '', failed > 0 ? `${failed} failed` : ''].filter(Boolean).join(' · ')),
        pull: outputs.length > 0 ? await this.pullStep(flags.out!) : undefined,
        spec,
        tasks,
      })
      bar.done()
    } finally {
      await journal.close()
    }
    if (!this.jsonEnabled()) await this.show(report, outputs.length > 0 ? flags.out : undefined)
    if (report.failed > 0) process.exitCode = 1
    return {...report, out: outputs.length > 0 ? path.resolve(flags.out!) : null}
  }

  /**
   * Each task's outputs into `outDir`, one pull at a time: the archives unpack into the same directory,
   * and two unpacks making the same subdirectory at once would trip over each other.
   */
  private async pullStep(outDir: string): Promise<import('../../lib/provider/batch-scheduler.js').PullStep> {
    const {pullResults} = await import('../../lib/provider/results.js')
    let queue: Promise<unknown> = Promise.resolve()
    return (target, jobId) => {
      const pulled = queue.then(() => pullResults(target, jobId, {outDir}))
      queue = pulled.catch(() => {})
      return pulled
    }
  }

  private async show(report: BatchReport, out?: string): Promise<void> {
    const {renderTable} = await import('../../lib/cli/render.js')
    this.log(
      renderTable(
        ['deal', 'slots', 'jobs', 'done', 'failed', 'agent'],
        report.deals.map((d) => [d.dealId.toString(), String(d.slots), String(d.jobsStarted), String(d.tasksDone), String(d.failedAttempts), d.out ? `out: ${d.out}` : d.endpoint]),
      ),
    )
    const failed = report.tasks.filter((t) => t.status === 'failed')
    for (const t of failed.slice(0, 10)) this.log(`Task ${t.task} failed: ${t.error}`)
    if (failed.length > 10) this.log(`… and ${failed.length - 10} more failed tasks (--json lists them all).`)
    const resumed = report.resumed > 0 ? ` (${report.resumed} from an earlier run)` : ''
    this.log(`${report.done} of ${report.total} tasks done${resumed}, ${report.failed} failed, in ${(report.wallMs / 1000).toFixed(1)} s.`)
    if (out) {
      const pulled = report.tasks.reduce((sum, t) => ({bytes: sum.bytes + (t.pulled?.bytes ?? 0), files: sum.files + (t.pulled?.files ?? 0)}), {bytes: 0, files: 0})
      const {formatSize} = await import('../../lib/market/units.js')
      this.log(`Outputs are in ${out}: ${pulled.files} file(s), ${formatSize(BigInt(pulled.bytes))}${report.resumed > 0 ? ' this run' : ''}.`)
    }
    if (report.failed > 0) this.log(`Run the same command again to retry the failed tasks; the done ones are not redone.`)
  }
}
