// Issue 11 figure: finding a provider's old agent-URL certificate before replacing it. CertificateCreated
// indexes only the id, so every certificate is read back; the library reads them many per eth_call (a
// deployless Multicall3). Baseline: one GetCertificate call per id, in sequence, over the same RPC.
import {stringToHex} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'

import {profileRegistryAbi} from '../src/lib/contracts/generated/ProfileRegistry.js'
import {DEV_PRIVATE_KEYS} from '../src/lib/devnet/accounts.js'
import {TxBatch} from '../src/lib/devnet/deploy.js'
import {ENDPOINT_ATTRIBUTE, endpointCertificates} from '../src/lib/market/endpoints.js'
import {type BenchChain, type Figure, median, sendInBlocks} from './lib.js'

const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 2000)

async function createCertificates(chain: BenchChain, registry: `0x${string}`): Promise<void> {
  await sendInBlocks(chain, CERTIFICATES, (sender, i) =>
    // Self-issued types below 1100, a different one each time so every certificate holds its own value.
    sender.send('create certificate', {abi: profileRegistryAbi, address: registry, args: [sender.address, BigInt(1 + Math.floor(i / 8)), stringToHex(`value ${i}`)], functionName: 'CreateCertificate', gas: 300_000n}),
  )
}

export default async function endpoints(chain: BenchChain): Promise<Figure[]> {
  const registry = chain.deployment.contracts.profileRegistry!
  const me = await TxBatch.create(chain.client, DEV_PRIVATE_KEYS[9])
  await createCertificates(chain, registry)
  await me.send('publish', {abi: profileRegistryAbi, address: registry, args: [me.address, ENDPOINT_ATTRIBUTE, stringToHex('http://127.0.0.1:8701')], functionName: 'CreateCertificate', gas: 300_000n})
  await me.flush()

  const runs: number[] = []
  let found: bigint[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    found = await endpointCertificates(chain.client, registry, me.address)
    runs.push(performance.now() - t)
  }
  if (found.length !== 1) throw new Error(`expected one endpoint certificate of ${me.address}, found ${found.length}`)
  const batched = median(runs)

  const started = performance.now()
  const logs = await chain.client.getContractEvents({abi: profileRegistryAbi, address: registry, eventName: 'CertificateCreated', fromBlock: 0n, strict: true})
  const mine: bigint[] = []
  for (const log of logs) {
    const [, to, type, value] = await chain.client.readContract({abi: profileRegistryAbi, address: registry, args: [log.args.id], functionName: 'GetCertificate'})
    if (to === privateKeyToAccount(DEV_PRIVATE_KEYS[9]).address && type === ENDPOINT_ATTRIBUTE && value !== '0x') mine.push(log.args.id)
  }
  const oneByOne = performance.now() - started
  if (mine.join() !== found.join()) throw new Error('the baseline found other certificates')
  return [
    {
      baseline: 'CertificateCreated logs, then one GetCertificate call per id, in sequence, same RPC',
      baselineValue: oneByOne,
      extra: {certificates: logs.length, ratio: Math.round((oneByOne / batched) * 10) / 10},
      name: `finding the old agent-URL certificate among ${logs.length} certificates (provider register's scan)`,
      pass: oneByOne / batched >= 10,
      target: 'at least 10x faster than the baseline',
      unit: 'ms',
      value: batched,
    },
  ]
}
