// Gas price 0, as on SONM's sidechain (its migration sends every transaction at gasPrice 0): the devnet
// deployment (TxBatch) and the transaction pipeline (transact) work on a byzantium chain at gas price 0
// (legacy transactions, chosen by chooseFees because blocks carry no base fee) and on a London chain
// whose base fee is 0, and an account with no ETH at all can send there.
import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {describe, expect, it} from 'vitest'

import {createChainClient} from '../../src/lib/chain/client.js'
import {transact} from '../../src/lib/chain/transact.js'
import {DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {type AnvilChainOptions, startTestAnvil} from '../../src/lib/devnet/anvil.js'
import {deployAndSeed, TxBatch} from '../../src/lib/devnet/deploy.js'

const yes = async () => {}

describe.each([
  ['byzantium at gas price 0', {gasPrice: 0n, hardfork: 'byzantium'}, {gasPrice: 0n}, {}],
  ['London with base fee 0 and gas price 0', {baseFee: 0n, gasPrice: 0n}, {maxFeePerGas: expect.any(BigInt)}, {maxFeePerGas: 0n, maxPriorityFeePerGas: 0n}],
] as const)('%s', (_, chainOptions: AnvilChainOptions, batchFees, overrides) => {
  it('deploys and seeds the devnet, and a key with no ETH sends through transact', async () => {
    const anvil = await startTestAnvil(chainOptions)
    try {
      const client = createChainClient(anvil.rpcUrl, DEVNET_CHAIN_ID, 'devnet')
      expect((await TxBatch.create(client, DEV_PRIVATE_KEYS[0])).fees).toMatchObject(batchFees)
      const deployment = await deployAndSeed(client)
      const {market, snm} = deployment.contracts as {market: Address; snm: Address}
      const account = privateKeyToAccount(generatePrivateKey())
      expect(await client.getBalance({address: account.address})).toBe(0n)
      const sent = await transact(client, 'approve', {abi: snmAbi, address: snm, args: [market, 1n], functionName: 'approve'}, {account, confirm: yes, overrides})
      expect(sent.receipt.status).toBe('success')
      expect(sent.receipt.effectiveGasPrice).toBe(0n)
      expect(sent.receipt.type).toBe(chainOptions.hardfork ? 'legacy' : 'eip1559')
      expect(await client.readContract({abi: snmAbi, address: snm, args: [account.address, market], functionName: 'allowance'})).toBe(1n)
    } finally {
      await anvil.stop()
    }
  })
})
