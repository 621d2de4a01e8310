// Demo: the compute market from the renter's side: find offers, rent one, look at the deal, close it.
export const title = 'The compute market'

const renter = ['--account', 'dev1']

export default [
  {argv: ['compute', 'offers', '--min-cores', '4', '--min-ram', '8GiB', '--sort', 'price'], note: 'Offers with at least 4 cores and 8 GiB of RAM, cheapest first; prices in USD and in SNM at the oracle rate.'},
  {argv: ['compute', 'offers', '--gpu', '1', '--json'], note: 'Offers with a GPU, as JSON (exact integer prices beside the decimal ones).'},
  {
    note: 'Pick the cheapest offer that allows an hour (read with --json).',
    run(ctx) {
      const offers = ctx.json(['compute', 'offers', '--duration', '1h', '--sort', 'price'])
      if (offers.offers.length === 0) throw new Error('no offer allows 1h; reset the devnet with `nectar devnet reset`')
      ctx.marketAsk = offers.offers[0].id
    },
  },
  {argv: (ctx) => ['compute', 'order', ctx.marketAsk, '--duration', '1h', ...renter, '--yes'], note: 'Rent it for an hour without a job: approves exactly the SNM the Market locks, then QuickBuy.'},
  {
    run(ctx) {
      ctx.marketDeal = ctx.json(['compute', 'deals', ...renter]).deals[0].id
    },
  },
  {argv: (ctx) => ['compute', 'deal', ctx.marketDeal], note: 'The deal: parties, price, escrow, time left and what a bill now would pay.'},
  {argv: (ctx) => ['compute', 'close', ctx.marketDeal, ...renter, '--yes'], note: 'The renter may close a deal early: it is billed to now and the rest of the escrow comes back.'},
]
