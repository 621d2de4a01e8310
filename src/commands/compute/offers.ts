import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, durationFlag, listFlags, rpcFlags} from '../../lib/cli/flags.js'
import type {OffersReport} from '../../lib/market/find-offers.js'

export default class ComputeOffers extends BaseCommand<typeof ComputeOffers> {
  static summary = 'List the active offers on the market, filtered.'
  static description = 'List the active offers (ASK orders) on the market, filtered by resources, netflags, price and duration. The ID column is the identity level an offer requires of a renter (anon, reg, ident, pro; `identityLevel` by name in --json). When nothing matches, shows the nearest offers and what they miss.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --min-cores 8 --min-ram 16GiB --max-price 1usd/h --sort price',
    '<%= config.bin %> <%= command.id %> --gpu 1 --min-gpu-mem 8GiB --netflags incoming,outbound --duration 2h --json',
    '<%= config.bin %> <%= command.id %> --max-price 5snm/h --limit 5',
  ]
  static flags = {
    ...rpcFlags,
    ...accountFlag,
    ...listFlags,
    duration: durationFlag({allowZero: true, description: 'Deal length wanted (2h, 1h30m, 1.5d; 0 = spot): offers must allow at least this'}),
    gpu: Flags.integer({description: 'Minimum number of GPUs', min: 0}),
    limit: Flags.integer({description: 'Show at most this many offers', min: 1}),
    'max-price': Flags.string({description: 'Price ceiling: 0.5usd/h, 0.0001usd/s or 3snm/h (at the oracle rate)'}),
    'min-cores': Flags.integer({description: 'Minimum CPU threads', min: 0}),
    'min-gpu-mem': Flags.string({description: 'Minimum memory per GPU (8GiB)'}),
    'min-net-down': Flags.string({description: 'Minimum download bandwidth (100Mbit/s)'}),
    'min-net-up': Flags.string({description: 'Minimum upload bandwidth (50Mbit/s)'}),
    'min-ram': Flags.string({description: 'Minimum RAM (8GiB)'}),
    'min-storage': Flags.string({description: 'Minimum storage (100GiB)'}),
    netflags: Flags.string({description: 'Required network flags, comma-separated: overlay, outbound, incoming'}),
    provider: Flags.string({description: 'Only offers by this provider (address or account name)'}),
    sort: Flags.string({default: 'price', description: 'Sort order', options: ['price', 'cores', 'ram', 'gpu', 'duration']}),
  }

  public async run(): Promise<OffersReport> {
    const {findOffers, nearestLines, offerQuery, offersReport} = await import('../../lib/market/find-offers.js')
    const query = offerQuery(this.flags, this.flags.provider === undefined ? undefined : await this.accountNames([this.flags.provider]))
    const addresses = await this.marketAddresses(['oracle'])
    const client = await this.client()
    const renter = await this.accountAddress().catch(() => undefined) // without an account, offers reserved for someone are left out
    const found = await findOffers(client, {addresses, query, renter})
    if (!this.jsonEnabled()) {
      if (found.matches.length > 0 || this.flags.csv) {
        const {offersTable} = await import('../../lib/cli/market-views.js')
        // --sort is this command's own (price, cores, …), applied by findOffers.
        this.log(offersTable(found, {...this.flags, sort: undefined}))
        this.note(`${found.matches.length} of ${found.total} active offers match.`)
      } else {
        this.log(`No offer matches (${found.total} active).`)
        for (const line of nearestLines(found)) this.log(line)
      }
    }
    return offersReport(found)
  }
}
