// client.multicall({deployless: true, allowFailure: false}) runs our byzantium-compiled CallReader
// (chain/deployless.ts) instead of viem's PUSH0 Multicall3: the same answers as one readContract per
// call (now and at a past block), and the same errors. Also run by the `byzantium` project, where
// viem's own deployless multicall fails with "NotActivated".
import {type Address, zeroAddress} from 'viem'
import {multicall as viemMulticall} from 'viem/actions'
import {inject} from 'vitest'
import {describe, expect, it} from 'vitest'

import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {necAbi} from '../../src/lib/contracts/generated/NEC.js'
import {DEV_ADDRESSES} from '../../src/lib/devnet/accounts.js'
import {sharedClient} from '../setup/chain.js'

const client = sharedClient()
const deployment = inject('deployment')
const nec = deployment.contracts.nec as Address
const market = deployment.contracts.market as Address

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: Error & {shortMessage?: string}) => ({name: e.name, shortMessage: e.shortMessage}))

describe('deployless multicall', () => {
  it('runs on the project\'s EVM: under byzantium blocks carry no base fee, and viem\'s own deployless multicall fails', async () => {
    const contracts = [{abi: necAbi, address: nec, functionName: 'totalSupply'}] as const
    const block = await client.getBlock({blockTag: 'latest'})
    if (inject('hardfork') === 'byzantium') {
      expect(block.baseFeePerGas).toBeNull()
      await expect(viemMulticall(client, {allowFailure: false, contracts, deployless: true})).rejects.toThrow(/NotActivated/)
    } else {
      expect(typeof block.baseFeePerGas).toBe('bigint')
    }
    expect(await client.multicall({allowFailure: false, contracts, deployless: true})).toEqual([await client.readContract(contracts[0])])
  })

  it('answers as readContract does, call by call, now and at a past block', async () => {
    const contracts = [
      {abi: necAbi, address: nec, functionName: 'totalSupply'},
      {abi: necAbi, address: nec, functionName: 'controller'},
      {abi: necAbi, address: nec, args: [DEV_ADDRESSES[1]], functionName: 'balanceOf'},
      {abi: necAbi, address: nec, functionName: 'name'},
      {abi: marketAbi, address: market, args: [1n], functionName: 'GetOrderInfo'},
    ] as const
    for (const blockNumber of [undefined, BigInt(deployment.seededBlock)]) {
      const batched = await client.multicall({allowFailure: false, blockNumber, contracts, deployless: true})
      const alone = await Promise.all(contracts.map((c) => client.readContract({...c, blockNumber} as never)))
      expect(batched).toEqual(alone)
    }
    expect((await client.multicall({allowFailure: false, contracts: [], deployless: true}))).toEqual([])
  })

  it('throws viem\'s own error for a call that reverts or returns no data, as readContract does', async () => {
    const fine = {abi: necAbi, address: nec, args: [DEV_ADDRESSES[1], 1n], functionName: 'balanceOfAt'} as const
    const noCode = {abi: necAbi, address: DEV_ADDRESSES[2] as Address, functionName: 'totalSupply'} as const
    const alsoFine = {abi: marketAbi, address: market, args: [zeroAddress], functionName: 'GetMaster'} as const
    // No code at the address (no data); a contract without the function (reverts); a revert with a reason (onlyController).
    const reverts = {abi: necAbi, address: nec, args: [market], functionName: 'changeController'} as const
    for (const failing of [noCode, {abi: necAbi, address: market, functionName: 'totalSupply'} as const, reverts]) {
      const batched = await errorOf(client.multicall({allowFailure: false, contracts: [fine, failing, alsoFine], deployless: true}))
      expect(batched).toBeDefined()
      expect(batched).toEqual(await errorOf(client.readContract(failing as never)))
    }
  })
})
