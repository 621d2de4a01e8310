// The renter's side of a QuickBuy and of a BID: every check the Market makes, made before anything is
// signed (SONM's Market reverts without a reason), and the SNM budget the renter approves for the deal.
//
// The allowance. After the first lock, Bill and ReserveNextPeriodFunds pull SNM from the renter with
// transferFrom; when the balance is there but the allowance is not, the SNM token reverts and so do
// Bill and CloseDeal: the deal can be neither billed nor closed. So the renter approves what the deal
// will cost over its life: a forward deal's whole cost at the oracle rate plus a margin for the rate's
// moves, a spot deal's budget (24 hours of its price by default). Never unlimited.
//
// One allowance (renter -> Market) serves every deal of the renter on that Market: each Bill of any of
// them draws from it. So a new deal never "reuses" an allowance that looks big enough (it belongs to the
// deals already running): the new allowance is the current one plus this deal's budget.
import {type Address, zeroAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {displayAmount, formatAmount, MAX_UINT256, parseAmount} from '../core/amounts.js'
import {formatDuration, parseDurationSeconds} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {blacklistAbi} from '../contracts/generated/Blacklist.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {oracleUSDAbi} from '../contracts/generated/OracleUSD.js'
import {profileRegistryAbi} from '../contracts/generated/ProfileRegistry.js'
import {snmAbi} from '../contracts/generated/SNM.js'
import {calculatePayment, DEFAULT_RATE_MARGIN_PCT, DEFAULT_SPOT_BUDGET_HOURS, forwardBudget, HOUR, lockedSum} from './billing.js'
import {getOracleRate} from './deals.js'
import {identityName, type Order, requireOrder} from './orders.js'
import {formatDealDuration, snmPerHourText, usdPerHourText} from './units.js'

export interface MarketAddresses {
  market: Address
  oracle: Address
  snm: Address
}

export interface CheckAddresses extends MarketAddresses {
  blacklist: Address
  profileRegistry: Address
}

/** An allowance this large is someone's "unlimited" approval: nothing is added to it. */
const UNLIMITED = 1n << 255n

export interface FundingOptions {
  /** Spot: `24h` (hours of the ask's price) or `50snm`. Default 24 hours. */
  budget?: string
  /** Forward: percent over the oracle rate the whole cost is approved at. Default 10. */
  rateMargin?: bigint
}

export interface Funding {
  /** The renter's allowance to the Market now (shared by all its deals there). */
  allowance: bigint
  balance: bigint
  /** SNM wei this deal adds to the allowance. */
  budget: bigint
  /** What the budget covers, in words. */
  covers: string
  /** SNM wei the Market locks at once (1 hour for spot, the duration up to 1 day for forward). */
  lock: bigint
  /** The allowance to approve: the current one plus the budget (the current one when it is unlimited). */
  newAllowance: bigint
  /** false only when the allowance is already unlimited. */
  needsApproval: boolean
  rate: bigint
}

/** `--budget`: a duration (`24h`) or an amount of SNM (`50snm`). */
export function parseBudget(text: string): {amount: bigint} | {seconds: bigint} {
  const snm = /^\s*(.+?)\s*snm\s*$/i.exec(text)
  if (snm) return {amount: parseAmount(snm[1], {label: '--budget', unit: 'SNM'})}
  return {seconds: parseDurationSeconds(text, {label: '--budget'})}
}

/** The SNM this deal adds to the allowance, and what it covers; a spot budget under one hour is refused (nothing is read or sent). */
export function dealBudget(price: bigint, duration: bigint, rate: bigint, {budget, rateMargin}: FundingOptions = {}): {budget: bigint; covers: string} {
  if (duration > 0n) {
    if (budget !== undefined) {
      throw nectarError('CONFLICTING_FLAGS', '--budget is for spot deals (--duration 0); a forward deal approves its whole cost.', {hint: 'Drop --budget, or set --rate-margin.'})
    }
    const margin = rateMargin ?? DEFAULT_RATE_MARGIN_PCT
    return {budget: forwardBudget(price, duration, rate, margin), covers: `the whole ${formatDealDuration(duration)} at the oracle rate + ${margin}%`}
  }
  if (rateMargin !== undefined) throw nectarError('CONFLICTING_FLAGS', '--rate-margin is for forward deals; a spot deal takes --budget.', {hint: 'Drop --rate-margin, or give --budget.'})
  const hour = calculatePayment(price, HOUR, rate)
  const spec = budget === undefined ? {seconds: DEFAULT_SPOT_BUDGET_HOURS * HOUR} : parseBudget(budget)
  const amount = 'seconds' in spec ? calculatePayment(price, spec.seconds, rate) : spec.amount
  if (('seconds' in spec && spec.seconds < HOUR) || amount < hour) {
    throw nectarError('BUDGET_TOO_SMALL', `A budget of ${'seconds' in spec ? formatDuration(spec.seconds) : `${formatAmount(amount)} SNM`} is under one hour of this offer (${formatAmount(hour)} SNM), which the Market locks at once.`, {
      hint: 'Give --budget 1h or more (e.g. 24h), or an amount of SNM of at least one hour.',
    })
  }
  const hours = hour === 0n ? '' : ` ≈ ${formatDuration((amount * HOUR) / hour)}`
  return {budget: amount, covers: 'seconds' in spec ? `${formatDuration(spec.seconds)} of spot time at the current rate` : `${formatAmount(amount)} SNM${hours} of spot time at the current rate`}
}

/** The renter's balance and allowance to the Market. */
export async function renterFunds(client: ChainClient, addresses: {market: Address; snm: Address}, owner: Address): Promise<{allowance: bigint; balance: bigint}> {
  const [balance, allowance] = await client.multicall({
    allowFailure: false,
    batchSize: 0,
    contracts: [
      {abi: snmAbi, address: addresses.snm, args: [owner], functionName: 'balanceOf'},
      {abi: snmAbi, address: addresses.snm, args: [owner, addresses.market], functionName: 'allowance'},
    ],
    deployless: true,
  })
  return {allowance, balance}
}

/** The allowance after adding `amount` (unchanged when it is already unlimited; capped at 2^256-1). */
export function raisedAllowance(allowance: bigint, amount: bigint): bigint {
  if (allowance >= UNLIMITED) return allowance
  return allowance + amount > MAX_UINT256 ? MAX_UINT256 : allowance + amount
}

/** Balance and allowance against the lock and the budget; a runtime error when the renter cannot pay the first lock. */
export async function checkFunds(client: ChainClient, addresses: MarketAddresses, owner: Address, {budget, covers, lock, rate}: {budget: bigint; covers: string; lock: bigint; rate: bigint}): Promise<Funding> {
  const {allowance, balance} = await renterFunds(client, addresses, owner)
  if (balance < lock) {
    throw nectarError('INSUFFICIENT_SNM', `${owner} holds ${displayAmount(balance)} SNM; the Market locks ${displayAmount(lock)} SNM for this order.`, {
      hint: 'Get more SNM, pick a shorter duration (the lock covers at most 1 day) or a cheaper offer.',
    })
  }
  const newAllowance = raisedAllowance(allowance, budget)
  return {allowance, balance, budget, covers, lock, needsApproval: newAllowance !== allowance, newAllowance, rate}
}

export interface QuickBuyPlan extends Funding {
  ask: Order
  duration: bigint
  /** The renter's identity level (ProfileRegistry.GetProfileLevel). */
  identityLevel: number
}

/** Every PlaceOrder, QuickBuy and OpenDeal reverts while the Market is paused. */
const pausedError = (market: Address) => nectarError('MARKET_PAUSED', `The Market at ${market} is paused: it takes no orders and opens no deals.`, {hint: 'Try again once its owner unpauses it.'})

/**
 * Everything QuickBuy(askID, duration) and the OpenDeal inside it check, in the Market's order: an
 * active ASK, the Market not paused, the duration, the identity level, the blacklists both ways, the
 * counterparty; then the price ceiling and the renter's funds.
 */
export async function planQuickBuy(
  client: ChainClient,
  addresses: CheckAddresses,
  {askId, buyer, duration, funding, maxPrice}: {askId: bigint; buyer: Address; duration: bigint; funding?: FundingOptions; maxPrice?: bigint},
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
  const [paused, master, buyerMaster, level, rate] = await client.multicall({
    allowFailure: false,
    batchSize: 0,
    contracts: [
      {abi: marketAbi, address: addresses.market, functionName: 'paused'},
      {abi: marketAbi, address: addresses.market, args: [ask.author], functionName: 'GetMaster'},
      {abi: marketAbi, address: addresses.market, args: [buyer], functionName: 'GetMaster'},
      {abi: profileRegistryAbi, address: addresses.profileRegistry, args: [buyer], functionName: 'GetProfileLevel'},
      {abi: oracleUSDAbi, address: addresses.oracle, functionName: 'getCurrentPrice'},
    ],
    deployless: true,
  })
  if (paused) throw pausedError(addresses.market)
  if (level < ask.identityLevel) {
    throw nectarError('IDENTITY_TOO_LOW', `Offer ${askId} requires the identity level ${identityName(ask.identityLevel)}; ${buyer} is ${identityName(level)}.`, {
      hint: 'Get a certificate of that level from a validator in the ProfileRegistry, or pick an offer that asks for less.',
    })
  }
  await checkBlacklists(client, addresses.blacklist, {askBlacklist: ask.blacklist, author: ask.author, buyer, master})
  if (ask.counterparty !== zeroAddress && ask.counterparty.toLowerCase() !== buyerMaster.toLowerCase()) {
    throw nectarError('ASK_RESERVED', `Offer ${askId} is reserved for ${ask.counterparty}${buyerMaster.toLowerCase() === buyer.toLowerCase() ? '' : ` (your master is ${buyerMaster})`}.`, {hint: 'Pick another offer.'})
  }
  const lock = lockedSum(ask.price, duration, rate)
  const funds = await checkFunds(client, addresses, buyer, {...dealBudget(ask.price, duration, rate, funding), lock, rate})
  return {...funds, ask, duration, identityLevel: level}
}

/**
 * The Blacklist checks of QuickBuy and of the OpenDeal it runs (the bid QuickBuy places has no
 * blacklist of its own): buyer -> master, buyer -> author, ask.blacklist -> buyer, master -> buyer,
 * author -> buyer. Check(who, whom) is true when `who` has blacklisted `whom`.
 */
export async function checkBlacklists(client: ChainClient, blacklist: Address, {askBlacklist, author, buyer, master}: {askBlacklist: Address; author: Address; buyer: Address; master: Address}): Promise<void> {
  const pairs: Array<[Address, Address, string, string]> = [
    [buyer, master, 'you', `the provider's master ${master}`],
    [buyer, author, 'you', `the provider ${author}`],
    [askBlacklist, buyer, `the offer's blacklist ${askBlacklist}`, 'you'],
    [master, buyer, `the provider's master ${master}`, 'you'],
    [author, buyer, `the provider ${author}`, 'you'],
  ]
  // A provider that is its own master makes the master pairs repeats of the author pairs; a zero address blacklists nobody.
  const ownMaster = master.toLowerCase() === author.toLowerCase()
  const wanted = pairs.filter(([who], i) => who !== zeroAddress && !(ownMaster && (i === 0 || i === 3)))
  const listed = await client.multicall({
    allowFailure: false,
    batchSize: 0,
    contracts: wanted.map(([who, whom]) => ({abi: blacklistAbi, address: blacklist, args: [who, whom], functionName: 'Check'}) as const),
    deployless: true,
  })
  const hit = wanted.findIndex((_, i) => listed[i])
  if (hit >= 0) {
    const [, , who, whom] = wanted[hit]
    throw nectarError('BLACKLISTED', `${who[0].toUpperCase()}${who.slice(1)} blacklisted ${whom}, so the Market refuses this deal.`, {
      hint: who === 'you' ? 'Remove them from your blacklist (Blacklist.Remove) or pick another offer.' : 'Pick an offer by another provider.',
    })
  }
}

/** The BID path's checks: the Market not paused, and the renter can pay the lock; the budget as for a deal of this duration. */
export async function planBidFunding(client: ChainClient, addresses: MarketAddresses, {buyer, duration, funding, price}: {buyer: Address; duration: bigint; funding?: FundingOptions; price: bigint}): Promise<Funding> {
  const [paused, rate] = await Promise.all([client.readContract({abi: marketAbi, address: addresses.market, functionName: 'paused'}), getOracleRate(client, addresses.oracle)])
  if (paused) throw pausedError(addresses.market)
  return checkFunds(client, addresses, buyer, {...dealBudget(price, duration, rate, funding), lock: lockedSum(price, duration, rate), rate})
}

/** The preview lines of the funding: lock, budget, balance, allowance now and after. */
export function fundingLines(f: Funding, price: bigint, duration: bigint): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['price', `${usdPerHourText(price)} USD/h = ${snmPerHourText(price, f.rate)} SNM/h at the oracle rate`],
    ['lock', `${formatAmount(f.lock)} SNM now (${duration === 0n ? '1 hour, spot' : duration < 86_400n ? 'the whole duration' : '1 day'})`],
    ['budget', `${formatAmount(f.budget)} SNM: ${f.covers}`],
    ['balance', `${displayAmount(f.balance)} SNM`],
    ['allowance', f.needsApproval ? `${displayAmount(f.allowance)} -> ${displayAmount(f.newAllowance)} SNM (shared by all your deals on this Market)` : `${displayAmount(f.allowance)} SNM (unlimited already; nothing approved)`],
  ]
  return lines
}
