// The renter's side of a QuickBuy and of a BID: every check before anything is signed, and the exact
// SNM the Market will pull (never an unlimited approval).
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {displayAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {snmAbi} from '../contracts/generated/SNM.js'
import {lockedSum, lockPeriod} from './billing.js'
import {type Order, requireOrder} from './orders.js'
import {formatDealDuration, usdPerHourText} from './units.js'
import {getOracleRate} from './deals.js'

export interface MarketAddresses {
  market: Address
  oracle: Address
  snm: Address
}

export interface FundsCheck {
  allowance: bigint
  balance: bigint
  /** SNM the Market pulls with transferFrom. */
  lock: bigint
  /** true when the existing allowance is short and an approve(lock) must go first. */
  needsApproval: boolean
  rate: bigint
}

/** Balance and allowance against the lock; a runtime error when the renter holds too little SNM. */
export async function checkFunds(client: ChainClient, addresses: MarketAddresses, owner: Address, lock: bigint, rate: bigint): Promise<FundsCheck> {
  const [balance, allowance] = await client.multicall({
    allowFailure: false,
    batchSize: 0,
    contracts: [
      {abi: snmAbi, address: addresses.snm, args: [owner], functionName: 'balanceOf'},
      {abi: snmAbi, address: addresses.snm, args: [owner, addresses.market], functionName: 'allowance'},
    ],
    deployless: true,
  })
  if (balance < lock) {
    throw nectarError('INSUFFICIENT_SNM', `${owner} holds ${displayAmount(balance)} SNM; the Market locks ${displayAmount(lock)} SNM for this order.`, {
      hint: 'Get more SNM, pick a shorter duration (the lock covers at most 1 day) or a cheaper offer.',
    })
  }
  return {allowance, balance, lock, needsApproval: allowance < lock, rate}
}

export interface QuickBuyPlan extends FundsCheck {
  ask: Order
  duration: bigint
}

/** Everything QuickBuy(askID, duration) needs, checked: the ask exists, is an active ASK open to the renter, allows the duration and fits the ceiling; the renter can pay the lock. */
export async function planQuickBuy(
  client: ChainClient,
  addresses: MarketAddresses,
  {askId, buyer, duration, maxPrice}: {askId: bigint; buyer: Address; duration: bigint; maxPrice?: bigint},
): Promise<QuickBuyPlan> {
  const ask = await requireOrder(client, addresses.market, askId)
  if (ask.type !== 'ask') throw nectarError('NOT_AN_ASK', `Order ${askId} is a BID, not an offer.`, {hint: 'Give the id of an ASK from `nectar compute offers`.'})
  if (ask.status !== 'active') {
    throw nectarError('ORDER_INACTIVE', `Offer ${askId} is no longer active${ask.dealId > 0n ? ` (taken by deal ${ask.dealId})` : ' (cancelled)'}.`, {hint: 'Pick another offer from `nectar compute offers`.'})
  }
  if (duration > ask.duration) {
    throw nectarError('DURATION_NOT_ALLOWED', `Offer ${askId} allows ${ask.duration === 0n ? 'spot deals only (--duration 0)' : `up to ${formatDealDuration(ask.duration)}`}; --duration asks for ${formatDealDuration(duration)}.`, {
      hint: ask.duration === 0n ? 'Pass --duration 0.' : `Pass --duration ${formatDealDuration(ask.duration)} or less (0 for spot), or pick another offer.`,
    })
  }
  if (maxPrice !== undefined && ask.price > maxPrice) {
    throw nectarError('PRICE_ABOVE_CEILING', `Offer ${askId} costs ${usdPerHourText(ask.price)} USD/h, above your ceiling of ${usdPerHourText(maxPrice)} USD/h.`, {hint: 'Raise --max-price or pick a cheaper offer.'})
  }
  if (ask.counterparty !== '0x0000000000000000000000000000000000000000' && ask.counterparty.toLowerCase() !== buyer.toLowerCase()) {
    throw nectarError('ASK_RESERVED', `Offer ${askId} is reserved for ${ask.counterparty}.`, {hint: 'Pick another offer.'})
  }
  const rate = await getOracleRate(client, addresses.oracle)
  const lock = lockedSum(ask.price, duration, rate)
  const funds = await checkFunds(client, addresses, buyer, lock, rate)
  return {...funds, ask, duration}
}

export {lockPeriod}
