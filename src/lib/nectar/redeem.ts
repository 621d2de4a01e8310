// Redemption: NEC.burnAndRetrieve → controller.onBurn pays floor(totalPledgedFees × amount / totalSupply)
// from the controller's own ETH balance (reference/nectar.md §1.6). Everything that would make the
// burn fail or pay nothing is checked here before anything is signed.
import {type Address, type Hash, type TransactionReceipt, decodeEventLog, parseAbi} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {displayAmount, formatAmount, parseAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {redemptionPayout, WEI} from './curve.js'
import {assertContract} from './reads.js'

export interface RedemptionPreview {
  account: Address
  amount: bigint
  balance: bigint
  /** Code at the account (a contract wallet): the payout is a 2300-gas send, which most contract wallets refuse. */
  accountHasCode: boolean
  block: bigint
  controller: Address
  controllerBalance: bigint
  listActive: boolean
  /** The account's raw whitelist entry. The burn does not consult the whitelist (destroyTokens skips onTransfer). */
  onList: boolean
  payout: bigint
  pledgedFees: bigint
  /** ETH wei per whole NEC at this supply. */
  ratePerNec: bigint
  totalSupply: bigint
}

/**
 * Reads everything a redemption depends on at one block and checks, in order: burning enabled, an
 * amount above 0, the balance (the token returns false instead of reverting on a short balance), a
 * controller contract that will pay, and the controller's ETH balance against the payout.
 * `amount: 'all'` redeems the whole balance.
 */
export async function previewRedemption(client: ChainClient, {account, amount, nec}: {account: Address; amount: bigint | 'all'; nec: Address}): Promise<RedemptionPreview> {
  // cacheTime 0: viem caches the block number for the polling interval; a stale block would preview the state before the last burn.
  const block = await client.getBlockNumber({cacheTime: 0})
  const token = {abi: necAbi, address: nec} as const
  const [balance, totalSupply, pledgedFees, burningEnabled, controller] = await client.multicall({
    allowFailure: false,
    blockNumber: block,
    contracts: [
      {...token, args: [account], functionName: 'balanceOf'},
      {...token, functionName: 'totalSupply'},
      {...token, functionName: 'totalPledgedFees'},
      {...token, functionName: 'burningEnabled'},
      {...token, functionName: 'controller'},
    ],
    deployless: true,
  })
  if (!burningEnabled) {
    throw nectarError('BURNING_DISABLED', 'Burning is disabled on the NEC token, so NEC cannot be redeemed now; nothing was sent.', {
      hint: 'Only the controller owner can enable it (`enableBurning(true)`); `nectar supply` shows the switch.',
    })
  }
  const wanted = amount === 'all' ? balance : amount
  if (wanted === 0n) {
    throw amount === 'all'
      ? nectarError('NOTHING_TO_REDEEM', `${account} holds no NEC; nothing was sent.`, {hint: 'Check the account with `nectar balance`.'})
      : nectarError('INVALID_AMOUNT', 'The amount must be more than 0.', {hint: 'Give a positive amount.'})
  }
  if (balance < wanted) {
    throw nectarError('INSUFFICIENT_BALANCE', `${account} holds ${displayAmount(balance)} NEC, less than the ${displayAmount(wanted)} NEC to redeem; nothing was sent.`, {
      hint: 'The token would return false and burn nothing while still charging gas. Lower the amount, or use --all.',
    })
  }
  const [controllerCode, accountCode, controllerBalance] = await Promise.all([
    client.getCode({address: controller, blockNumber: block}),
    client.getCode({address: account, blockNumber: block}),
    client.getBalance({address: controller, blockNumber: block}),
  ])
  if (!controllerCode || controllerCode === '0x') {
    throw nectarError('NO_CONTROLLER', `The token's controller ${controller} is not a contract, so a burn would pay nothing; nothing was sent.`, {
      hint: 'Redemption needs a NectarController as the token controller.',
    })
  }
  const payout = redemptionPayout(wanted, pledgedFees, totalSupply)
  if (controllerBalance < payout) {
    throw nectarError('CONTROLLER_UNDERFUNDED', `The controller holds ${displayAmount(controllerBalance, 18, 18)} ETH, less than the ${displayAmount(payout, 18, 18)} ETH payout; nothing was sent.`, {
      hint: 'Redeem less, or wait until the controller is topped up (`topUpBalance`).',
    })
  }
  const c = {abi: nectarControllerAbi, address: controller} as const
  const [listActive, onList] = await client.multicall({
    allowFailure: false,
    blockNumber: block,
    contracts: [{...c, functionName: 'listActive'}, {...c, args: [account], functionName: 'getRegistrationStatus'}],
    deployless: true,
  })
  return {
    account,
    accountHasCode: Boolean(accountCode && accountCode !== '0x' && !accountCode.startsWith('0xef0100')),
    amount: wanted,
    balance,
    block,
    controller,
    controllerBalance,
    listActive,
    onList,
    payout,
    pledgedFees,
    ratePerNec: redemptionPayout(WEI, pledgedFees, totalSupply),
    totalSupply,
  }
}

const eventsAbi = parseAbi([
  'event LogClaim(address _user, uint256 _amount)',
  'event Burned(address indexed who, uint256 _amount)',
])

export interface RedemptionReceipt {
  burned: bigint
  received: bigint
}

/** What the receipt says happened: NEC burned (`Burned`) and ETH paid (the controller's `LogClaim`). */
export function readRedemptionReceipt(receipt: TransactionReceipt, {account, controller, nec}: {account: Address; controller: Address; nec: Address}): RedemptionReceipt {
  let burned: bigint | undefined
  let received: bigint | undefined
  for (const log of receipt.logs) {
    const from = log.address.toLowerCase()
    if (from !== nec.toLowerCase() && from !== controller.toLowerCase()) continue
    let decoded
    try {
      decoded = decodeEventLog({abi: eventsAbi, data: log.data, topics: log.topics})
    } catch {
      continue
    }
    if (decoded.eventName === 'Burned' && from === nec.toLowerCase() && decoded.args.who.toLowerCase() === account.toLowerCase()) burned = decoded.args._amount
    if (decoded.eventName === 'LogClaim' && from === controller.toLowerCase() && decoded.args._user.toLowerCase() === account.toLowerCase()) received = decoded.args._amount
  }
  if (burned === undefined) {
    throw nectarError('BURN_NOT_DONE', `Transaction ${receipt.transactionHash} was mined but burned nothing (no Burned event).`, {
      hint: 'The token returned false: the balance changed between the check and the send. Run the command again.',
    })
  }
  if (received === undefined) {
    throw nectarError('NO_PAYOUT_EVENT', `Transaction ${receipt.transactionHash} burned NEC but the controller logged no payout.`, {
      hint: 'Check the controller with `nectar supply`; the burn may not have been paid.',
    })
  }
  return {burned, received}
}

// ------------------------------------------------------------------------------------------ the action

/** AMOUNT or --all, exactly one of them: NEC wei, or 'all' for the whole balance. */
export function parseRedeemAmount(amount: string | undefined, all: boolean): 'all' | bigint {
  if (all && amount !== undefined) throw nectarError('USAGE', 'Give an AMOUNT or --all, not both.', {hint: 'e.g. `nectar redeem 100` or `nectar redeem --all`.'})
  if (!all && amount === undefined) throw nectarError('USAGE', 'Say how much NEC to redeem.', {hint: 'Give an AMOUNT such as 100, or --all.'})
  return all ? 'all' : parseAmount(amount!, {label: 'amount', unit: 'NEC'})
}

/** A redemption as checked before sending: what `redeem --dry-run` shows, and the start of what `redeem` returns. */
export interface RedemptionReport {
  account: Address
  amount: string
  amountWei: bigint
  balance: string
  controllerBalance: string
  dryRun: boolean
  payout: string
  payoutWei: bigint
  pledgedFeesWei: bigint
  ratePerNec: string
  ratePerNecWei: bigint
  totalSupplyWei: bigint
  whitelist: {listActive: boolean; onList: boolean}
}

export interface RedeemResult extends RedemptionReport {
  block: bigint
  gasUsed: bigint
  received: string
  receivedWei: bigint
  txHash: Hash
}

export interface RedemptionPlan {
  /** What the preview shows, line by line. */
  lines: Array<[string, string]>
  preview: RedemptionPreview
  report: RedemptionReport
  /** What a person should know before sending (a payout of 0 wei, a contract account). */
  warnings: string[]
}

/** The checked preview of a redemption (nothing is signed): the token must be a contract, then previewRedemption. */
export async function planRedemption(client: ChainClient, {account, amount, dryRun = false, nec}: {account: Address; amount: 'all' | bigint; dryRun?: boolean; nec: Address}): Promise<RedemptionPlan> {
  await assertContract(client, nec, 'NEC')
  const p = await previewRedemption(client, {account, amount, nec})
  const warnings: string[] = []
  if (p.payout === 0n) warnings.push('This amount is too small to pay anything: the payout rounds down to 0 wei.')
  if (p.accountHasCode) warnings.push(`${account} is a contract; the payout is a 2300-gas send that most contract wallets refuse (the burn would revert).`)
  return {
    lines: [
      ['redeem', `${displayAmount(p.amount, 18, 18)} NEC of ${displayAmount(p.balance)} held`],
      ['payout', `${formatAmount(p.payout)} ETH (${p.payout} wei)`],
      ['rate', `${displayAmount(p.ratePerNec, 18, 18)} ETH per NEC (pledged ${displayAmount(p.pledgedFees)} ETH / supply ${displayAmount(p.totalSupply)} NEC)`],
      ['controller', `${displayAmount(p.controllerBalance)} ETH available for payouts`],
    ],
    preview: p,
    report: {
      account,
      amount: formatAmount(p.amount),
      amountWei: p.amount,
      balance: formatAmount(p.balance),
      controllerBalance: formatAmount(p.controllerBalance),
      dryRun,
      payout: formatAmount(p.payout),
      payoutWei: p.payout,
      pledgedFeesWei: p.pledgedFees,
      ratePerNec: formatAmount(p.ratePerNec),
      ratePerNecWei: p.ratePerNec,
      totalSupplyWei: p.totalSupply,
      whitelist: {listActive: p.listActive, onList: p.onList},
    },
    warnings,
  }
}

/**
 * Redeems NEC for ETH from the signing account: planRedemption, then burnAndRetrieve through the
 * transaction pipeline, and the ETH received read from the receipt's events.
 */
export async function redeem(client: ChainClient, {allowZeroPayout = false, amount, nec}: {allowZeroPayout?: boolean; amount: 'all' | bigint; nec: Address}, send: TransactOptions): Promise<RedeemResult> {
  const account = send.account.address
  const {lines, preview: p, report, warnings} = await planRedemption(client, {account, amount, nec})
  if (p.payout === 0n && !allowZeroPayout) {
    // Burning NEC for nothing is almost always a mistake (1 wei, a dust amount): refuse unless asked.
    throw nectarError('ZERO_PAYOUT', `Redeeming ${displayAmount(p.amount, 18, 18)} NEC pays 0 wei (the payout rounds down); nothing was sent.`, {
      hint: `Redeem more (at ${displayAmount(p.ratePerNec, 18, 18)} ETH per NEC), or pass --allow-zero-payout to burn it anyway.`,
    })
  }
  for (const warning of warnings) send.warn?.(warning)
  const result = await transact(client, `Redeem ${displayAmount(p.amount)} NEC for ${formatAmount(p.payout)} ETH`, {abi: necAbi, address: nec, args: [p.amount], functionName: 'burnAndRetrieve'}, withDetails(send, lines))
  const {received} = readRedemptionReceipt(result.receipt, {account, controller: p.controller, nec})
  if (received !== p.payout) send.warn?.(`Received ${received} wei, not the ${p.payout} wei previewed: supply or pledged fees changed before the transaction was mined.`)
  return {...report, block: result.blockNumber, gasUsed: result.gasUsed, received: formatAmount(received), receivedWei: received, txHash: result.hash}
}
