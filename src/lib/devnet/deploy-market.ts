// Deploys the market contracts the way SONM's migration (migrations/2_deploy_v1.js) wires them: SNM,
// Blacklist, OracleUSD, ProfileRegistry, Market(token, blacklist, oracle, profileRegistry, 12, 3), then
// Blacklist.SetMarketAddress(market) and an AddressHashMap holding every address under SONM's keys.
// Then it seeds a small market: the migration's oracle rate, SNM for every dev account, two providers
// with agent URLs (ProfileRegistry attribute) and a few asks. It is a DevnetSeeder, run by
// deployAndSeed after the Nectar seed.
import {type Address, parseEther, stringToHex} from 'viem'

import {addressHashMapAbi, addressHashMapBytecode} from '../contracts/generated/AddressHashMap.js'
import {blacklistAbi, blacklistBytecode} from '../contracts/generated/Blacklist.js'
import {marketAbi, marketBytecode} from '../contracts/generated/Market.js'
import {oracleUSDAbi, oracleUSDBytecode} from '../contracts/generated/OracleUSD.js'
import {profileRegistryAbi, profileRegistryBytecode} from '../contracts/generated/ProfileRegistry.js'
import {snmAbi, snmBytecode} from '../contracts/generated/SNM.js'
import {registryKey, SONM_REGISTRY_KEYS} from '../market/address-registry.js'
import {BENCHMARKS_QUANTITY, benchmarksToVector, NETFLAGS_QUANTITY, netflagsToVector} from '../market/benchmarks.js'
import {ENDPOINT_ATTRIBUTE} from '../market/endpoints.js'
import {DEV_ADDRESSES, DEV_PRIVATE_KEYS} from './accounts.js'
import {type SeedContext, TxBatch} from './deploy.js'

/** SONM's migration seeded OracleUSD with this: about 6.24 SNM per USD, x 1e18. */
export const SONM_ORACLE_RATE = 6_244_497_036_986_155_008n

/** Market roles in the seeded world: dev6 and dev7 are providers; every dev account holds SNM. */
export const MARKET_ROLES = {providers: [6, 7], renters: [8, 1, 2]} as const

export interface MarketDeployment {
  blacklist: Address
  market: Address
  oracle: Address
  profileRegistry: Address
  snm: Address
  /** SONM's AddressHashMap, holding the five above under SONM's keys. */
  sonmRegistry: Address
}

/** Deploys and wires the market contracts in the order of SONM's migration (see the top of this file). */
export async function deployMarket(tx: TxBatch): Promise<MarketDeployment> {
  const snm = await tx.deploy('deploy SNM', snmAbi, snmBytecode)
  const blacklist = await tx.deploy('deploy Blacklist', blacklistAbi, blacklistBytecode)
  const oracle = await tx.deploy('deploy OracleUSD', oracleUSDAbi, oracleUSDBytecode)
  await tx.send('set the oracle rate', {abi: oracleUSDAbi, address: oracle, args: [SONM_ORACLE_RATE], functionName: 'setCurrentPrice'})
  const profileRegistry = await tx.deploy('deploy ProfileRegistry', profileRegistryAbi, profileRegistryBytecode)
  const market = await tx.deploy('deploy Market', marketAbi, marketBytecode, [snm, blacklist, oracle, profileRegistry, BigInt(BENCHMARKS_QUANTITY), BigInt(NETFLAGS_QUANTITY)])
  await tx.send('let the Market blacklist', {abi: blacklistAbi, address: blacklist, args: [market], functionName: 'SetMarketAddress'})
  const sonmRegistry = await tx.deploy('deploy AddressHashMap', addressHashMapAbi, addressHashMapBytecode)
  const addresses = {blacklist, market, oracle, profileRegistry, snm}
  for (const name of Object.keys(SONM_REGISTRY_KEYS) as Array<keyof typeof SONM_REGISTRY_KEYS>) {
    await tx.send(`register ${SONM_REGISTRY_KEYS[name]}`, {abi: addressHashMapAbi, address: sonmRegistry, args: [registryKey(name), addresses[name]], functionName: 'write'})
  }
  return {...addresses, sonmRegistry}
}

/** Ports the seeded providers' endpoints name. */
export const SEED_ENDPOINT_PORTS = [8701, 8702]
/** SNM minted to each dev account. */
export const SEED_SNM_PER_ACCOUNT = parseEther('100000')

const GiB = 1n << 30n

/**
 * The devnet seeder: deploys the market from the owner's batch, then gives SNM to dev0..dev9, endpoints
 * to the providers, and places six asks of different shapes and prices.
 */
export async function seedMarket({batch, client, deployment}: SeedContext): Promise<void> {
  const market = await deployMarket(batch)
  Object.assign(deployment.contracts, market)
  for (const address of DEV_ADDRESSES) {
    await batch.send('mint SNM', {abi: snmAbi, address: market.snm, args: [address, SEED_SNM_PER_ACCOUNT], functionName: 'mint'})
  }
  await batch.flush()
  const ports = SEED_ENDPOINT_PORTS
  const asks = [
    // [provider index in MARKET_ROLES.providers, cores, ram GiB, storage GiB, gpus, gpu mem GiB, down/up Mbit/s, USD/h x 1e4, duration s, netflags]
    [0, 4n, 8n, 100n, 0n, 0n, 100n, 3_000n, 86_400n, {outbound: true}],
    [0, 8n, 16n, 200n, 0n, 0n, 1000n, 6_000n, 7n * 86_400n, {incoming: true, outbound: true}],
    [0, 2n, 4n, 50n, 0n, 0n, 100n, 1_500n, 0n, {outbound: true}],
    [1, 16n, 64n, 500n, 1n, 16n, 1000n, 25_000n, 86_400n, {incoming: true, outbound: true}],
    [1, 32n, 128n, 1000n, 2n, 24n, 1000n, 60_000n, 3n * 86_400n, {incoming: true, outbound: true, overlay: true}],
    [1, 8n, 32n, 250n, 1n, 8n, 500n, 12_000n, 0n, {outbound: true}],
  ] as const
  const senders = await Promise.all(MARKET_ROLES.providers.map((i) => TxBatch.create(client, DEV_PRIVATE_KEYS[i])))
  for (const [i, sender] of senders.entries()) {
    const url = `http://127.0.0.1:${ports[i] ?? 8701 + i}`
    await sender.send('publish agent URL', {abi: profileRegistryAbi, address: market.profileRegistry, args: [sender.address, ENDPOINT_ATTRIBUTE, stringToHex(url)], functionName: 'CreateCertificate'})
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
      address: market.market,
      args: [2, '0x0000000000000000000000000000000000000000', duration, price, netflagsToVector(flags), 1, '0x0000000000000000000000000000000000000000', `0x${'0'.repeat(64)}`, benchmarks],
      functionName: 'PlaceOrder',
    })
  }
  await Promise.all(senders.map((s) => s.flush()))
}
