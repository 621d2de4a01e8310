import {Args, Flags} from '@oclif/core'

import {displayAmount, formatAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {durationFlag, rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderKeyValues, toJsonText} from '../../lib/cli/render.js'

export default class ComputeOrder extends BaseCommand<typeof ComputeOrder> {
  static args = {ask: Args.string({description: 'Id of the offer (ASK order) to take', required: true})}
  static description = `Rent an offer with QuickBuy: shows the price per hour in USD and SNM, the SNM the Market will lock and your balance; approves exactly the lock (reusing a sufficient allowance, never unlimited), sends QuickBuy and waits for the deal to open. With --job, the job spec (YAML or JSON) is checked before anything is sent, then submitted to the provider's agent (found from its endpoint on chain) once the deal is open; with --follow, the job's stdout streams to stdout and its stderr to stderr (one JSON record per line under --json), and the command exits with the job's exit status.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 3 --duration 2h',
    '<%= config.bin %> <%= command.id %> 3 --duration 2h --job job.yaml --follow',
    '<%= config.bin %> <%= command.id %> 5 --duration 0 --max-price 2usd/h --yes --json',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    duration: durationFlag({allowZero: true, description: 'Deal length (2h, 1h30m, 1.5d); 0 = spot (open-ended, billed hourly)', required: true}),
    follow: Flags.boolean({char: 'f', dependsOn: ['job'], description: 'With --job: stream the job’s output until it ends, and exit with its status'}),
    job: Flags.string({description: 'Job spec file (YAML or JSON) to run on the deal once it opens'}),
    'max-price': Flags.string({description: 'Refuse if the offer costs more than this (0.5usd/h, 3snm/h)'}),
    timestamps: Flags.boolean({dependsOn: ['follow'], description: 'With --follow: prefix each line with its time'}),
  }

  /** Under --json a followed job's records are NDJSON, so the closing envelope is one line too. */
  public logJson(json: unknown): void {
    if (this.flags?.follow) process.stdout.write(toJsonText(json, 0) + '\n')
    else super.logJson(json)
  }

  public async run() {
    if (!/^\d{1,30}$/.test(this.args.ask)) throw nectarError('INVALID_ORDER_ID', `The offer id ${JSON.stringify(this.args.ask)} is not a number.`, {hint: 'Give an id from `nectar compute offers`.'})
    const askId = BigInt(this.args.ask)
    const {parsePrice, snmPerHourText, usdPerHourText, formatDealDuration} = await import('../../lib/market/units.js')
    const {duration} = this.flags
    let spec
    if (this.flags.job !== undefined) {
      const {loadJobSpecFile} = await import('../../lib/provider/job-spec.js')
      spec = loadJobSpecFile(this.flags.job) // a bad spec fails before anything is sent
    }
    const {marketAddresses} = await import('../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const account = await this.signer()
    let maxPrice: bigint | undefined
    if (this.flags['max-price'] !== undefined) {
      const {getOracleRate} = await import('../../lib/market/deals.js')
      maxPrice = parsePrice(this.flags['max-price'], await getOracleRate(client, addresses.oracle), '--max-price').price
    }
    const {planQuickBuy} = await import('../../lib/market/renter.js')
    const plan = await planQuickBuy(client, addresses, {askId, buyer: account.address, duration, maxPrice})
    const summary: Array<[string, string]> = [
      ['offer', `${askId} by ${plan.ask.author}`],
      ['duration', formatDealDuration(duration)],
      ['price', `${usdPerHourText(plan.ask.price)} USD/h = ${snmPerHourText(plan.ask.price, plan.rate)} SNM/h at the oracle rate`],
      ['lock', `${formatAmount(plan.lock)} SNM (${duration === 0n ? '1 hour, spot' : duration < 86_400n ? 'the whole duration' : '1 day'})`],
      ['balance', `${displayAmount(plan.balance)} SNM`],
      ['allowance', plan.needsApproval ? `${displayAmount(plan.allowance)} SNM: approve exactly ${formatAmount(plan.lock)} SNM first` : `${displayAmount(plan.allowance)} SNM (enough; no approval)`],
    ]
    if (!this.jsonEnabled()) this.logToStderr(renderKeyValues(summary))
    const {transact} = await import('../../lib/chain/transact.js')
    const {marketAbi} = await import('../../lib/contracts/generated/Market.js')
    const {snmAbi} = await import('../../lib/contracts/generated/SNM.js')
    const confirm = (p: Parameters<typeof this.confirmTransaction>[0]) => this.confirmTransaction(p)
    let approvalHash: string | null = null
    if (plan.needsApproval) {
      const approval = await transact(client, `Approve the Market to take exactly ${formatAmount(plan.lock)} SNM`, {abi: snmAbi, address: addresses.snm, args: [addresses.market, plan.lock], functionName: 'approve'}, {
        account,
        confirm,
        details: [['amount', `${formatAmount(plan.lock)} SNM`]],
        onSent: (hash) => this.note(`Sent approval ${hash}…`),
      })
      approvalHash = approval.hash
    }
    const result = await transact(client, `QuickBuy offer ${askId} for ${formatDealDuration(duration)}`, {abi: marketAbi, address: addresses.market, args: [askId, duration], functionName: 'QuickBuy'}, {
      account,
      confirm,
      details: [['lock', `${formatAmount(plan.lock)} SNM`]],
      onSent: (hash) => this.note(`Sent ${hash}; waiting for DealOpened…`),
    })
    const {dealJson, dealOpenedId, requireDeal} = await import('../../lib/market/deals.js')
    const dealId = dealOpenedId(result.receipt)
    if (dealId === undefined) throw nectarError('NO_DEAL_OPENED', `QuickBuy ${result.hash} opened no deal.`, {hint: 'Check the transaction with --debug.'})
    const deal = await requireDeal(client, addresses.market, dealId)
    const block = await client.getBlock({blockNumber: result.blockNumber})
    const opened = `Deal ${dealId} opened with ${deal.supplier} in ${result.hash} (block ${result.blockNumber}); ${formatAmount(deal.blockedBalance)} SNM in escrow.`
    const out = {approvalTx: approvalHash, approved: plan.needsApproval ? plan.lock.toString() : '0', deal: dealJson(deal, block.timestamp, plan.rate), lock: plan.lock.toString(), txHash: result.hash}
    if (!spec) {
      this.log(opened)
      return out
    }
    // stdout belongs to the job from here on.
    this.note(opened)
    const {runJob} = await import('../../lib/provider/renter.js')
    const target = await this.dealAgent(dealId)
    const {end, job} = await runJob(target, {follow: this.flags.follow, json: this.jsonEnabled(), note: (m) => this.note(m), spec, stderr: process.stderr, stdout: process.stdout, timestamps: this.flags.timestamps})
    if (!this.flags.follow && !this.jsonEnabled()) this.log(`Job ${job.id} started on deal ${dealId}. Follow it with: nectar compute logs ${dealId} ${job.id} --follow`)
    if (end) process.exitCode = end.exitStatus
    return {...out, endpoint: target.endpoint, job, jobEnd: end}
  }
}
