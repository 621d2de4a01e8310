// Deploys the market contracts (SNM, OracleUSD, Market, ProviderRegistry) to a devnet and seeds a small
// market: the SONM migration's oracle rate, SNM for every dev account, two providers with endpoints and
// a few asks. Transactions are signed locally with explicit nonces and sent back to back; receipts are
// checked once per batch. The devnet's deployAndSeed calls deployMarket then seedMarket.
import {type Abi, type Address, encodeDeployData, encodeFunctionData, getContractAddress, type Hash, type Hex, parseEther} from 'viem'
import {type PrivateKeyAccount, privateKeyToAccount} from 'viem/accounts'

import {type ChainClient} from '../chain/client.js'
import {walletFor} from '../chain/transact.js'
import {runtimeError} from '../cli/errors.js'
import {marketAbi, marketBytecode} from '../contracts/generated/Market.js'
import {oracleUSDAbi, oracleUSDBytecode} from '../contracts/generated/OracleUSD.js'
import {providerRegistryAbi, providerRegistryBytecode} from '../contracts/generated/ProviderRegistry.js'
import {snmAbi, snmBytecode} from '../contracts/generated/SNM.js'
import {BENCHMARKS_QUANTITY, benchmarksToVector, NETFLAGS_QUANTITY, netflagsToVector} from '../market/benchmarks.js'

/** SONM's migration seeded OracleUSD with this: about 6.24 SNM per USD, x 1e18. */
export const SONM_ORACLE_RATE = 6_244_497_036_986_155_008n

/** The standard anvil keys (dev0..dev9). */
export const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
] as const satisfies readonly Hex[]

/** Market roles in the seeded world: dev6 and dev7 are providers; every dev account holds SNM. */
export const MARKET_ROLES = {providers: [6, 7], renters: [8, 1, 2]} as const

export interface MarketDeployment {
  market: Address
  oracle: Address
  registry: Address
  snm: Address
}

/** Transactions from one account with locally managed nonces, sent without waiting; `flush` checks every receipt. */
export class PipelinedSender {
  private pending: Array<{hash: Hash; label: string}> = []
  private constructor(
    readonly client: ChainClient,
    readonly account: PrivateKeyAccount,
    private nonce: number,
    private readonly fees: {maxFeePerGas: bigint; maxPriorityFeePerGas: bigint},
  ) {}

  static async create(client: ChainClient, key: Hex): Promise<PipelinedSender> {
    const account = privateKeyToAccount(key)
    const [nonce, block] = await Promise.all([client.getTransactionCount({address: account.address, blockTag: 'pending'}), client.getBlock({blockTag: 'latest'})])
    const base = block.baseFeePerGas ?? 1_000_000_000n
    return new PipelinedSender(client, account, nonce, {maxFeePerGas: base * 3n + 1_000_000_000n, maxPriorityFeePerGas: 1n})
  }

  get address(): Address {
    return this.account.address
  }

  async deploy(label: string, abi: Abi, bytecode: Hex, args: readonly unknown[] = []): Promise<Address> {
    const address = getContractAddress({from: this.account.address, nonce: BigInt(this.nonce)})
    await this.sendRaw(label, encodeDeployData({abi, args, bytecode} as never), 6_000_000n)
    return address
  }

  async send(label: string, call: {abi: Abi; address: Address; args?: readonly unknown[]; functionName: string; gas?: bigint}): Promise<Hash> {
    return this.sendRaw(label, encodeFunctionData({abi: call.abi, args: call.args ?? [], functionName: call.functionName} as never), call.gas ?? 1_000_000n, call.address)
  }

  private async sendRaw(label: string, data: Hex, gas: bigint, to?: Address): Promise<Hash> {
    const serializedTransaction = await this.account.signTransaction({
      chainId: this.client.chain!.id,
      data,
      gas,
      nonce: this.nonce++,
      to,
      type: 'eip1559',
      ...this.fees,
    })
    const hash = await walletFor(this.client, this.account).sendRawTransaction({serializedTransaction})
    this.pending.push({hash, label})
    return hash
  }

  /** Waits for every receipt sent so far; fails naming the first that reverted. */
  async flush(): Promise<void> {
    const pending = this.pending
    this.pending = []
    for (let i = 0; i < pending.length; i += 200) {
      const receipts = await Promise.all(pending.slice(i, i + 200).map((p) => this.client.waitForTransactionReceipt({hash: p.hash, pollingInterval: 50, timeout: 600_000})))
      receipts.forEach((r, j) => {
        if (r.status !== 'success') throw runtimeError('DEVNET_DEPLOY_FAILED', `Devnet setup step "${pending[i + j].label}" reverted (${r.transactionHash}).`, {hint: 'Reset the devnet with `nectar devnet reset`.'})
      })
    }
  }
}

/** Deploys SNM, OracleUSD (at SONM's migration rate), Market (12 benchmarks, 3 netflags) and ProviderRegistry. */
export async function deployMarket(client: ChainClient, deployer: Hex = DEV_KEYS[0]): Promise<MarketDeployment> {
  const tx = await PipelinedSender.create(client, deployer)
  const snm = await tx.deploy('deploy SNM', snmAbi, snmBytecode)
  const oracle = await tx.deploy('deploy OracleUSD', oracleUSDAbi, oracleUSDBytecode)
  const market = await tx.deploy('deploy Market', marketAbi, marketBytecode, [snm, oracle, BigInt(BENCHMARKS_QUANTITY), BigInt(NETFLAGS_QUANTITY)])
  const registry = await tx.deploy('deploy ProviderRegistry', providerRegistryAbi, providerRegistryBytecode)
  await tx.send('set the oracle rate', {abi: oracleUSDAbi, address: oracle, args: [SONM_ORACLE_RATE], functionName: 'setCurrentPrice'})
  await tx.flush()
  return {market, oracle, registry, snm}
}

export interface SeedMarketOptions {
  /** Who deployed SNM (the only minter). Default dev0. */
  deployer?: Hex
  /** Ports the provider endpoints name (default 8701, 8702). */
  endpointPorts?: number[]
  /** SNM minted to each dev account. Default 100,000. */
  snmPerAccount?: bigint
}

const GiB = 1n << 30n

/** SNM for dev0..dev9, endpoints for the providers, and six asks of different shapes and prices. */
export async function seedMarket(client: ChainClient, deployment: MarketDeployment, options: SeedMarketOptions = {}): Promise<void> {
  const minter = await PipelinedSender.create(client, options.deployer ?? DEV_KEYS[0])
  const amount = options.snmPerAccount ?? parseEther('100000')
  for (const key of DEV_KEYS) {
    await minter.send('mint SNM', {abi: snmAbi, address: deployment.snm, args: [privateKeyToAccount(key).address, amount], functionName: 'mint'})
  }
  await minter.flush()
  const ports = options.endpointPorts ?? [8701, 8702]
  const asks = [
    // [provider index in MARKET_ROLES.providers, cores, ram GiB, storage GiB, gpus, gpu mem GiB, down/up Mbit/s, USD/h x 1e4, duration s, netflags]
    [0, 4n, 8n, 100n, 0n, 0n, 100n, 3_000n, 86_400n, {outbound: true}],
    [0, 8n, 16n, 200n, 0n, 0n, 1000n, 6_000n, 7n * 86_400n, {incoming: true, outbound: true}],
    [0, 2n, 4n, 50n, 0n, 0n, 100n, 1_500n, 0n, {outbound: true}],
    [1, 16n, 64n, 500n, 1n, 16n, 1000n, 25_000n, 86_400n, {incoming: true, outbound: true}],
    [1, 32n, 128n, 1000n, 2n, 24n, 1000n, 60_000n, 3n * 86_400n, {incoming: true, outbound: true, overlay: true}],
    [1, 8n, 32n, 250n, 1n, 8n, 500n, 12_000n, 0n, {outbound: true}],
  ] as const
  const senders = await Promise.all(MARKET_ROLES.providers.map((i) => PipelinedSender.create(client, DEV_KEYS[i])))
  for (const [i, sender] of senders.entries()) {
    await sender.send('set endpoint', {abi: providerRegistryAbi, address: deployment.registry, args: [`http://127.0.0.1:${ports[i] ?? 8701 + i}`], functionName: 'setEndpoint'})
  }
  for (const [p, cores, ram, storage, gpus, gpuMem, mbit, usdPerHourE4, duration, flags] of asks) {
    const price = (usdPerHourE4 * 10n ** 14n) / 3600n // USD/h x 1e4 -> USD/s x 1e18
    const benchmarks = benchmarksToVector({
      cpuCores: cores,
      cpuSysbenchMulti: cores * 1000n,
      cpuSysbenchSingle: 1000n,
      gpuCount: gpus,
      gpuMem: gpuMem * GiB,
      netDownload: mbit * 1_000_000n,
      netUpload: (mbit * 1_000_000n) / 2n,
      ramSize: ram * GiB,
      storageSize: storage * GiB,
    })
    await senders[p].send('place ask', {
      abi: marketAbi,
      address: deployment.market,
      args: [2, '0x0000000000000000000000000000000000000000', duration, price, netflagsToVector(flags), 1, '0x0000000000000000000000000000000000000000', `0x${'0'.repeat(64)}`, benchmarks],
      functionName: 'PlaceOrder',
    })
  }
  await Promise.all(senders.map((s) => s.flush()))
}
