import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {durationFlag, rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {renderKeyValues, toJsonText} from '../../lib/cli/render.js'
import type {RentReport} from '../../lib/market/rent-offer.js'
import type {RentAndRunReport} from '../../lib/provider/renter.js'

export default class ComputeOrder extends BaseCommand<typeof ComputeOrder> {
  // Not required by oclif: at a terminal, a missing id or --duration is asked for (refuseAsUsage keeps oclif's error elsewhere).
  static args = {ask: Args.string({description: 'Id of the offer (ASK order) to take'})}
  static summary = 'Rent an offer (approve, then QuickBuy) and maybe run a job.'
  static description = `Rent an offer in two steps, both shown before the first confirmation: approve, then QuickBuy. Every check the Market makes (an active ask, identity level, blacklists both ways, counterparty, duration, price ceiling, the Market not paused, your balance) runs before anything is signed. The approval raises your SNM allowance to the Market by the deal's budget, so the deal can be billed and closed over its life: a forward deal's whole cost at the oracle rate + --rate-margin (default 10%), a spot deal's --budget (default 24h of its price). Bounded, never unlimited; the allowance is shared by all your deals on the Market, so it is raised, never reset. If QuickBuy does not go through after the approval, the error names the approval and the allowance now. With --job, the job spec (YAML or JSON) is checked before anything is sent, then submitted to the provider's agent (found from its endpoint on chain) once the deal is open; with --follow, the job's stdout streams to stdout and its stderr to stderr (one JSON record per line under --json), and the command exits with the job's exit status. At a terminal, without an offer id it lets you pick from the offers \`compute offers\` lists (and asks the deal length when --duration is missing), then shows the same steps and confirmation.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 3 --duration 2h',
    '<%= config.bin %> <%= command.id %> 3 --duration 2h --job job.yaml --follow',
    '<%= config.bin %> <%= command.id %> 3 --duration 2h --job render.yaml --upload scene --follow --pull out',
    '<%= config.bin %> <%= command.id %> 5 --duration 0 --budget 48h --max-price 2usd/h --yes --json',
    '<%= config.bin %> <%= command.id %> 3 --duration 2d --rate-margin 20',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    duration: durationFlag({allowZero: true, description: 'Deal length (2h, 1h30m, 1.5d); 0 = spot (open-ended, billed hourly). Required, except at a terminal, which asks'}),
    follow: Flags.boolean({char: 'f', dependsOn: ['job'], description: 'With --job: stream the job’s output until it ends, and exit with its status'}),
    budget: Flags.string({description: 'Spot deal: what it may draw, as hours of its price (24h, the default) or SNM (50snm); at least one hour'}),
    job: Flags.string({description: 'Job spec file (YAML or JSON) to run on the deal once it opens'}),
    'max-price': Flags.string({description: 'Refuse if the offer costs more than this (0.5usd/h, 3snm/h)'}),
    'rate-margin': Flags.integer({description: 'Forward deal: percent over the oracle rate its whole cost is approved at (default 10)', max: 1000, min: 0}),
    prefix: Flags.boolean({dependsOn: ['follow'], description: 'With --follow: label each line with its stream, out| or err|'}),
    pull: Flags.string({dependsOn: ['follow'], description: 'With --follow: once the job ends, pull its outputs into this directory'}),
    timestamps: Flags.boolean({dependsOn: ['follow'], description: 'With --follow: prefix each line with its time'}),
    upload: Flags.string({dependsOn: ['job'], description: 'With --job: a file or directory to put in the job’s work dir before it starts; repeatable', multiple: true}),
  }

  /** Under --json a followed job's records are NDJSON, so the closing envelope is one line too. */
  public logJson(json: unknown): void {
    if (this.flags?.follow) process.stdout.write(toJsonText(json, 0) + '\n')
    else super.logJson(json)
  }

  public async run(): Promise<RentAndRunReport | RentReport> {
    const {flags} = this
    const {parseOrderId} = await import('../../lib/market/ids.js')
    if ((this.args.ask === undefined || flags.duration === undefined) && !this.canAsk()) await this.refuseAsUsage({args: ['ask'], flags: ['duration']})
    let askId = this.args.ask === undefined ? undefined : parseOrderId(this.args.ask, 'Give an id from `nectar compute offers`.')
    const spec = flags.job === undefined ? undefined : (await import('../../lib/provider/job-spec.js')).loadJobSpecFile(flags.job) // checked before anything is sent
    // The upload is packed (hashed) and --pull checked before the deal is rented: a bad path costs nothing.
    const files = spec && flags.job ? await this.jobFiles(spec, flags.job, flags.upload, flags.pull) : {}
    const addresses = await this.marketAddresses(['oracle', 'snm', 'blacklist', 'profileRegistry'])
    const client = await this.client()
    let duration = flags.duration
    if (askId === undefined || duration === undefined) {
      const {askDealLength, pickOffer} = await import('../../lib/cli/guided/pick-offer.js')
      const ask = await this.asker()
      const picked = askId === undefined
        ? await pickOffer(ask, client, {addresses, duration, renter: await this.accountAddress().catch(() => undefined)})
        : {askId, ...(await askDealLength(ask))}
      askId = picked.askId
      duration = picked.duration
      await this.showEquivalent([...(this.args.ask === undefined ? [String(askId)] : []), ...(picked.durationText === undefined ? [] : ['--duration', picked.durationText])])
    }
    const {rentedOfferText, rentOffer, rentPlanLines, rentReport} = await import('../../lib/market/rent-offer.js')
    const showPlan = (plan: Parameters<typeof rentPlanLines>[0]) => this.jsonEnabled() || this.logToStderr(renderKeyValues(rentPlanLines(plan)))
    const funding = {budget: flags.budget, rateMargin: flags['rate-margin'] === undefined ? undefined : BigInt(flags['rate-margin'])}
    const rented = await rentOffer(client, {addresses, askId, duration, funding, maxPrice: flags['max-price'], onPlan: showPlan}, await this.sendOptions())
    if (!spec) {
      this.log(rentedOfferText(rented))
      return rentReport(rented)
    }
    this.note(rentedOfferText(rented)) // stdout belongs to the job from here on
    const {runJob} = await import('../../lib/provider/renter.js')
    const target = await this.dealAgent(rented.deal.id)
    const {end, job, pulled, upload} = await runJob(target, {...this.jobOutput(rented.deal.id, flags), ...files, follow: flags.follow, spec})
    if (!flags.follow && !this.jsonEnabled()) this.log(`Job ${job.id} started on deal ${rented.deal.id}. Follow it with: nectar compute logs ${rented.deal.id} ${job.id} --follow`)
    if (end) process.exitCode = end.exitStatus
    return {...rentReport(rented), endpoint: target.endpoint, job, jobEnd: end, ...(pulled ? {pulled} : {}), ...(upload ? {upload} : {})}
  }
}
