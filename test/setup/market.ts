// A real Market (with its Blacklist, ProfileRegistry and address registry) of the test's own on the shared test anvil, and
// helpers that open and close deals through the contract's own QuickBuy / CloseDeal.
import {type Address, type Hex, parseEther, stringToHex} from 'viem'
import {generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount} from 'viem/accounts'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {walletFor} from '../../src/lib/chain/transact.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {profileRegistryAbi} from '../../src/lib/contracts/generated/ProfileRegistry.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {TxBatch} from '../../src/lib/devnet/deploy.js'
import {deployMarket, type MarketDeployment} from '../../src/lib/devnet/deploy-market.js'
import {dealOpenedId, orderPlacedId} from '../../src/lib/market/deals.js'
import {ENDPOINT_ATTRIBUTE} from '../../src/lib/market/endpoints.js'
import {listProviderAsks} from '../../src/lib/market/provider.js'

// (No import from ./chain.js: that module needs the vitest runner, and the bench uses this file too.)
export interface FreshAccount {
  account: PrivateKeyAccount
  address: Address
  privateKey: Hex
}

export async function freshAccount(client: ChainClient): Promise<FreshAccount> {
  const privateKey = generatePrivateKey()
  const account = privateKeyToAccount(privateKey)
  await client.request({method: 'anvil_setBalance', params: [account.address, `0x${parseEther('1000').toString(16)}`]} as never)
  return {account, address: account.address, privateKey}
}

export interface TestMarket extends MarketDeployment {
  client: ChainClient
  deployer: FreshAccount
}

async function send(client: ChainClient, account: PrivateKeyAccount, call: {abi: unknown; address: Address; args?: readonly unknown[]; functionName: string}) {
  const wallet = walletFor(client, account)
  const hash = await wallet.writeContract({...(call as never), account, chain: client.chain})
  const receipt = await client.waitForTransactionReceipt({hash, pollingInterval: 50})
  if (receipt.status !== 'success') throw new Error(`${call.functionName} reverted`)
  return receipt
}

/** A market of its own (fresh deployer, so tests can mint SNM freely), deployed as the devnet deploys it. */
export async function deployTestMarket(client: ChainClient): Promise<TestMarket> {
  const deployer = await freshAccount(client)
  const batch = await TxBatch.create(client, deployer.privateKey)
  const deployment = await deployMarket(batch)
  await batch.flush()
  return {...deployment, client, deployer}
}

export interface TestAsk {
  /** The identity level the ask requires of a renter (1 anonymous, 2 registered, ...). Default 1. */
  identityLevel?: number
  /** The ask's benchmark vector (index 2 cpuCores, 3 ramSize bytes). Default [1000, 1000, 4]. */
  benchmarks?: bigint[]
  /** [overlay, outbound, incoming]. Default outbound only. */
  netflags?: [boolean, boolean, boolean]
  /** USD/s x 1e18. Default 1e12: tiny. */
  price?: bigint
}

/** Supplier places an ask on `market` (any Market: a test's own or the devnet's). Returns the ask id. */
export async function placeAsk(client: ChainClient, market: Address, supplier: FreshAccount, duration = 3600n, ask: TestAsk = {}): Promise<bigint> {
  const receipt = await send(client, supplier.account, {
    abi: marketAbi,
    address: market,
    args: [2, '0x0000000000000000000000000000000000000000', duration, ask.price ?? 1_000_000_000_000n, ask.netflags ?? [false, true, false], ask.identityLevel ?? 1, '0x0000000000000000000000000000000000000000', `0x${'0'.repeat(64)}`, ask.benchmarks ?? [1000n, 1000n, 4n]],
    functionName: 'PlaceOrder',
  })
  return orderPlacedId(receipt)!
}

export async function cancelOrder(client: ChainClient, market: Address, author: FreshAccount, id: bigint): Promise<void> {
  await send(client, author.account, {abi: marketAbi, address: market, args: [id], functionName: 'CancelOrder'})
}

/** Supplier places an ask, consumer QuickBuys it: a real deal. Returns the deal id. */
export async function openDeal(m: TestMarket, supplier: FreshAccount, consumer: FreshAccount, duration = 3600n, ask: TestAsk = {}): Promise<bigint> {
  await send(m.client, m.deployer.account, {abi: snmAbi, address: m.snm, args: [consumer.address, parseEther('1000')], functionName: 'mint'})
  const askId = await placeAsk(m.client, m.market, supplier, duration, ask)
  await send(m.client, consumer.account, {abi: snmAbi, address: m.snm, args: [m.market, parseEther('1000')], functionName: 'approve'})
  const receipt = await send(m.client, consumer.account, {abi: marketAbi, address: m.market, args: [askId, duration], functionName: 'QuickBuy'})
  return dealOpenedId(receipt)!
}

export async function closeDeal(m: TestMarket, consumer: FreshAccount, dealId: bigint): Promise<void> {
  await send(m.client, consumer.account, {abi: marketAbi, address: m.market, args: [dealId, 0], functionName: 'CloseDeal'})
}

export async function setEndpoint(m: TestMarket, provider: FreshAccount, url: string): Promise<void> {
  await send(m.client, provider.account, {abi: profileRegistryAbi, address: m.profileRegistry, args: [provider.address, ENDPOINT_ATTRIBUTE, stringToHex(url)], functionName: 'CreateCertificate'})
}

/** The id of the first ask `provider` lists, once its agent placed one (20 s at most; `log` explains a timeout). */
export async function listedAsk(client: ChainClient, market: Address, provider: Address, log: () => string): Promise<bigint> {
  const end = Date.now() + 20_000
  for (;;) {
    const [ask] = await listProviderAsks(client, market, provider)
    if (ask) return ask.id
    if (Date.now() > end) throw new Error(`the agent placed no ask: ${log()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
