import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {accountFlag, durationFlag, rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderTable} from '../../lib/cli/render.js'

export default class ComputeOffers extends BaseCommand<typeof ComputeOffers> {
  static description = 'List the active offers (ASK orders) on the market, filtered by resources, netflags, price and duration. When nothing matches, shows the nearest offers and what they miss.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --min-cores 8 --min-ram 16GiB --max-price 1usd/h --sort price',
    '<%= config.bin %> <%= command.id %> --gpu 1 --min-gpu-mem 8GiB --netflags incoming,outbound --duration 2h --json',
    '<%= config.bin %> <%= command.id %> --max-price 5snm/h --limit 5',
  ]
  static flags = {
    ...rpcFlags,
    ...accountFlag,
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
    provider: Flags.string({description: 'Only offers by this provider address'}),
    sort: Flags.string({default: 'price', description: 'Sort order', options: ['price', 'cores', 'ram', 'gpu', 'duration']}),
  }

  public async run() {
    const {flags} = this
    const {parseBitrate, parsePrice, parseSize, formatBitrate, formatDealDuration, formatSize, usdPerHourText, snmPerHourText} = await import('../../lib/market/units.js')
    const {NETFLAG_NAMES} = await import('../../lib/market/benchmarks.js')
    const {parseAddress} = await import('../../lib/core/addresses.js')
    const minimums: Record<string, bigint> = {}
    if (flags['min-cores'] !== undefined) minimums.cpuCores = BigInt(flags['min-cores'])
    if (flags['min-ram'] !== undefined) minimums.ramSize = parseSize(flags['min-ram'], '--min-ram')
    if (flags['min-storage'] !== undefined) minimums.storageSize = parseSize(flags['min-storage'], '--min-storage')
    if (flags.gpu !== undefined) minimums.gpuCount = BigInt(flags.gpu)
    if (flags['min-gpu-mem'] !== undefined) minimums.gpuMem = parseSize(flags['min-gpu-mem'], '--min-gpu-mem')
    if (flags['min-net-down'] !== undefined) minimums.netDownload = parseBitrate(flags['min-net-down'], '--min-net-down')
    if (flags['min-net-up'] !== undefined) minimums.netUpload = parseBitrate(flags['min-net-up'], '--min-net-up')
    const netflags = flags.netflags === undefined ? [] : flags.netflags.split(',').map((s) => s.trim()).filter(Boolean)
    for (const flag of netflags) {
      if (!(NETFLAG_NAMES as readonly string[]).includes(flag)) throw nectarError('INVALID_NETFLAG', `Unknown netflag ${JSON.stringify(flag)}.`, {hint: `Use ${NETFLAG_NAMES.join(', ')}.`})
    }
    const {duration} = flags
    const provider = flags.provider === undefined ? undefined : parseAddress(flags.provider, '--provider')
    const {marketAddresses} = await import('../../lib/market/settings.js')
    const addresses = marketAddresses(this.settings())
    const client = await this.client()
    const {getOracleRate} = await import('../../lib/market/deals.js')
    const {listOrders} = await import('../../lib/market/orders.js')
    const [rate, asks] = await Promise.all([getOracleRate(client, addresses.oracle), listOrders(client, {market: addresses.market, status: 'active', type: 'ask'})])
    const maxPrice = flags['max-price'] === undefined ? undefined : parsePrice(flags['max-price'], rate, '--max-price').price
    let renter: `0x${string}` | undefined
    try {
      renter = await this.accountAddress()
    } catch {
      renter = undefined
    }
    const {offerJson, searchOffers} = await import('../../lib/market/offers.js')
    const result = searchOffers(asks, {duration, maxPrice, minimums, netflags: netflags as never, provider, renter}, flags.sort as never, flags.limit)
    if (!this.jsonEnabled()) {
      if (result.matches.length > 0) {
        this.log(
          renderTable(
            ['id', 'provider', 'cores', 'ram', 'storage', 'gpu', 'net down/up', 'USD/h', 'SNM/h', 'duration'],
            result.matches.map((o) => [
              o.id.toString(),
              `${o.author.slice(0, 8)}…${o.author.slice(-4)}`,
              o.benchmarks.cpuCores.toString(),
              formatSize(o.benchmarks.ramSize),
              formatSize(o.benchmarks.storageSize),
              o.benchmarks.gpuCount > 0n ? `${o.benchmarks.gpuCount} × ${formatSize(o.benchmarks.gpuMem)}` : '-',
              `${formatBitrate(o.benchmarks.netDownload)} / ${formatBitrate(o.benchmarks.netUpload)}`,
              usdPerHourText(o.price),
              snmPerHourText(o.price, rate),
              o.duration === 0n ? 'spot' : `≤ ${formatDealDuration(o.duration)}`,
            ]),
            ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
          ),
        )
        this.log(`${result.matches.length} of ${result.total} active offers match.`)
      } else {
        this.log(`No offer matches (${result.total} active).`)
        for (const near of result.nearest) this.log(`  offer ${near.order.id}: misses ${near.misses.map((m) => `${m.criterion} (has ${m.have}, want ${m.want})`).join('; ')}`)
      }
    }
    return {
      count: result.matches.length,
      nearest: result.nearest.map((n) => ({misses: n.misses, offer: offerJson(n.order, rate)})),
      offers: result.matches.map((o) => offerJson(o, rate)),
      oracleRate: rate.toString(),
      totalActive: result.total,
    }
  }
}
