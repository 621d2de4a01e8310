// The devnet's NEC and NectarController against the mainnet semantics in reference/nectar.md §1–2.
import {type Address, type Hash, type Hex, getAddress, parseEther, parseEventLogs, zeroAddress} from 'viem'
import {type PrivateKeyAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {walletFor} from '../../src/lib/chain/transact.js'
import {necAbi} from '../../src/lib/contracts/generated/NEC.js'
import {nectarControllerAbi} from '../../src/lib/contracts/generated/NectarController.js'
import {DEV_ADDRESSES} from '../../src/lib/devnet/accounts.js'
import {type DevnetDeployment, deployNectar} from '../../src/lib/devnet/deploy.js'
import {advanceTime, type FreshAccount, freshAccount, type PrivateChain, privateChain, sharedClient} from '../setup/chain.js'

const E18 = 10n ** 18n
const S0 = 1_000_000_000n * E18
const DAY = 86_400

/** The v2 issuance formula, exactly as the contract computes it (reference/nectar.md §2.3). */
function v2Tokens(contributed: bigint, previousSupply: bigint, initialSupply: bigint): bigint {
  if (previousSupply >= 2n * initialSupply) return 0n
  const r = (previousSupply * 10n ** 10n) / initialSupply
  const f = 2n * 10n ** 10n - r
  return (contributed * 1000n * f * f) / 10n ** 20n
}

interface Call {
  abi: typeof necAbi | typeof nectarControllerAbi
  address: Address
  args?: readonly unknown[]
  functionName: string
  value?: bigint
}

async function write(client: ChainClient, account: PrivateKeyAccount, call: Call) {
  const hash: Hash = await walletFor(client, account).writeContract({...call, account, chain: client.chain} as never)
  const receipt = await client.waitForTransactionReceipt({hash, pollingInterval: 10})
  expect(receipt.status).toBe('success')
  return receipt
}

function read<T>(client: ChainClient, call: Omit<Call, 'value'> & {blockNumber?: bigint}): Promise<T> {
  return client.readContract(call as never) as Promise<T>
}

describe('the seeded devnet deployment (shared chain, read-only)', () => {
  const client = sharedClient()
  const deployment = inject('deployment')
  const {controller, nec} = deployment.contracts

  it('is NEC, controlled by the controller, with the mainnet metadata', async () => {
    expect(await read(client, {abi: necAbi, address: nec, functionName: 'name'})).toBe('Ethfinex Nectar Token')
    expect(await read(client, {abi: necAbi, address: nec, functionName: 'symbol'})).toBe('NEC')
    expect(await read(client, {abi: necAbi, address: nec, functionName: 'decimals'})).toBe(18)
    expect(await read(client, {abi: necAbi, address: nec, functionName: 'version'})).toBe('EFX_0.1')
    expect(await read(client, {abi: necAbi, address: nec, functionName: 'controller'})).toBe(controller)
    expect(await read(client, {abi: nectarControllerAbi, address: controller, functionName: 'tokenContract'})).toBe(nec)
    expect(await read(client, {abi: nectarControllerAbi, address: controller, functionName: 'periodLength'})).toBe(30n)
    expect(await read(client, {abi: nectarControllerAbi, address: controller, functionName: 'startTime'})).toBe(BigInt(deployment.startTime))
    expect(await read(client, {abi: nectarControllerAbi, address: controller, functionName: 'getOwner'})).toBe(DEV_ADDRESSES[0])
    expect(await read(client, {abi: nectarControllerAbi, address: controller, args: [DEV_ADDRESSES[0]], functionName: 'isAdmin'})).toBe(true)
  })

  it('has exactly 1e27 wei (1,000,000,000 NEC) at the window-0 snapshot, all in the vault', async () => {
    const snapshot = await read<bigint>(client, {abi: nectarControllerAbi, address: controller, args: [0n], functionName: 'windowFinalBlock'})
    expect(snapshot).toBeGreaterThan(0n)
    expect(await read(client, {abi: necAbi, address: nec, args: [snapshot], functionName: 'totalSupplyAt'})).toBe(S0)
    expect(await read(client, {abi: necAbi, address: nec, args: [deployment.vault, snapshot], functionName: 'balanceOfAt'})).toBe(S0)
    expect(await read(client, {abi: necAbi, address: nec, args: [snapshot - 1n], functionName: 'totalSupplyAt'})).toBe(0n)
  })

  it('counts windows from startTime in 30-day periods', async () => {
    const at = (t: number) => read<bigint>(client, {abi: nectarControllerAbi, address: controller, args: [BigInt(t)], functionName: 'windowAt'})
    expect(await at(deployment.startTime - 1)).toBe(0n)
    expect(await at(deployment.startTime)).toBe(1n)
    expect(await at(deployment.startTime + 30 * DAY - 1)).toBe(1n)
    expect(await at(deployment.startTime + 30 * DAY)).toBe(2n)
  })

  it('seeded five makers at the window-1 rate (1000 NEC per ETH) and pledged their fees', async () => {
    const at = BigInt(deployment.seededBlock)
    expect(deployment.makers.length).toBeGreaterThanOrEqual(5)
    let fees = 0n
    let tokens = 0n
    for (const maker of deployment.makers) {
      expect(BigInt(maker.tokensWei)).toBe(BigInt(maker.pledgedWei) * 1000n)
      expect(await read(client, {abi: necAbi, address: nec, args: [maker.address, at], functionName: 'balanceOfAt'})).toBe(BigInt(maker.tokensWei))
      fees += BigInt(maker.pledgedWei)
      tokens += BigInt(maker.tokensWei)
    }
    expect(await read(client, {abi: necAbi, address: nec, args: [at], functionName: 'totalPledgedFeesAt'})).toBe(fees)
    expect(await read(client, {abi: necAbi, address: nec, args: [at], functionName: 'totalSupplyAt'})).toBe(S0 + tokens)
  })

  it('emitted Registered for every seeded whitelist entry', async () => {
    const logs = await client.getContractEvents({
      abi: nectarControllerAbi,
      address: controller,
      eventName: 'Registered',
      fromBlock: BigInt(deployment.deployBlock),
      toBlock: BigInt(deployment.seededBlock),
    })
    const users = new Set(logs.map((l) => (l.args as {user: Address}).user))
    for (const address of deployment.registered) expect(users.has(getAddress(address))).toBe(true)
    expect(logs.length).toBe(deployment.registered.length)
  })
})

describe('a fresh deployment on the shared chain (fresh owner, vault and holders)', () => {
  const client = sharedClient()
  let owner: FreshAccount
  let vault: FreshAccount
  let alice: FreshAccount
  let bob: FreshAccount
  let carol: FreshAccount
  let d: DevnetDeployment
  let nec: Address
  let controller: Address
  const c = () => ({abi: nectarControllerAbi, address: controller})
  const n = () => ({abi: necAbi, address: nec})

  beforeAll(async () => {
    ;[owner, vault, alice, bob, carol] = await Promise.all([1, 2, 3, 4, 5].map(() => freshAccount(client)))
    d = await deployNectar(client, {ownerKey: owner.privateKey, vault: vault.address})
    ;({controller, nec} = d.contracts)
  })

  it('issues 1000 NEC per ETH at S0 in window 1', async () => {
    expect(await read(client, {...c(), functionName: 'currentWindow'})).toBe(1n)
    expect(await read(client, {...c(), args: [parseEther('1')], functionName: 'getFeeToTokenConversion'})).toBe(parseEther('1000'))
    expect(await read(client, {...c(), args: [5n], functionName: 'getFeeToTokenConversion'})).toBe(5000n)
  })

  it('gates transfers on both ends being registered, and approvals on the owner', async () => {
    await expect(write(client, vault.account, {...n(), args: [alice.address, E18], functionName: 'transfer'})).rejects.toThrow()
    const r1 = await write(client, owner.account, {...c(), args: [[vault.address, alice.address]], functionName: 'register'})
    const registered = parseEventLogs({abi: nectarControllerAbi, eventName: 'Registered', logs: r1.logs})
    expect(registered.map((l) => l.args.user)).toEqual([vault.address, alice.address])
    // Registering again changes nothing and emits nothing.
    const r2 = await write(client, owner.account, {...c(), args: [[alice.address]], functionName: 'register'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'Registered', logs: r2.logs})).toHaveLength(0)

    await write(client, vault.account, {...n(), args: [alice.address, 10n * E18], functionName: 'transfer'})
    expect(await read(client, {...n(), args: [alice.address], functionName: 'balanceOf'})).toBe(10n * E18)
    await expect(write(client, alice.account, {...n(), args: [bob.address, E18], functionName: 'transfer'})).rejects.toThrow()
    await expect(write(client, bob.account, {...n(), args: [alice.address, 1n], functionName: 'approve'})).rejects.toThrow()
    await write(client, alice.account, {...n(), args: [bob.address, 1n], functionName: 'approve'})

    const r3 = await write(client, owner.account, {...c(), args: [[alice.address, bob.address]], functionName: 'deregister'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'Deregistered', logs: r3.logs}).map((l) => l.args.user)).toEqual([alice.address])
    await expect(write(client, vault.account, {...n(), args: [alice.address, E18], functionName: 'transfer'})).rejects.toThrow()

    const r4 = await write(client, owner.account, {...c(), args: [false], functionName: 'activateWhitelist'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'WhitelistActivated', logs: r4.logs})[0].args.active).toBe(false)
    expect(await read(client, {...c(), args: [bob.address], functionName: 'isRegistered'})).toBe(true)
    expect(await read(client, {...c(), args: [bob.address], functionName: 'getRegistrationStatus'})).toBe(false)
    await write(client, alice.account, {...n(), args: [bob.address, E18], functionName: 'transfer'})
    await write(client, owner.account, {...c(), args: [true], functionName: 'activateWhitelist'})
    await expect(write(client, bob.account, {...n(), args: [alice.address, 1n], functionName: 'transfer'})).rejects.toThrow()
  })

  it('lets only the owner manage admins, and only admins (de)register', async () => {
    await expect(write(client, carol.account, {...c(), args: [[carol.address]], functionName: 'register'})).rejects.toThrow()
    await expect(write(client, carol.account, {...c(), args: [carol.address], functionName: 'addAdmin'})).rejects.toThrow()
    await expect(write(client, carol.account, {...c(), args: [false], functionName: 'activateWhitelist'})).rejects.toThrow()
    await expect(write(client, carol.account, {...c(), args: [carol.address], functionName: 'authoriseMaker'})).rejects.toThrow()
    const added = await write(client, owner.account, {...c(), args: [carol.address], functionName: 'addAdmin'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'AdminAdded', logs: added.logs})[0].args.admin).toBe(carol.address)
    expect(await read(client, {...c(), args: [carol.address], functionName: 'admins'})).toBe(true)
    await write(client, carol.account, {...c(), args: [[carol.address]], functionName: 'register'})
    expect(await read(client, {...c(), args: [carol.address], functionName: 'isOnList'})).toBe(true)
    // An admin is not the owner.
    await expect(write(client, carol.account, {...c(), args: [bob.address], functionName: 'addAdmin'})).rejects.toThrow()
    const removed = await write(client, owner.account, {...c(), args: [carol.address], functionName: 'removeAdmin'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'AdminRemoved', logs: removed.logs})[0].args.admin).toBe(carol.address)
    await expect(write(client, carol.account, {...c(), args: [[bob.address]], functionName: 'register'})).rejects.toThrow()

    const authorised = await write(client, owner.account, {...c(), args: [bob.address], functionName: 'authoriseMaker'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'MakerAuthorised', logs: authorised.logs})[0].args.maker).toBe(bob.address)
    expect(await read(client, {...c(), args: [bob.address], functionName: 'getAuthorisationStatus'})).toBe(true)
    expect(await read(client, {...c(), args: [bob.address], functionName: 'isOnList'})).toBe(true)
    await write(client, owner.account, {...c(), args: [bob.address], functionName: 'deauthoriseMaker'})
    expect(await read(client, {...c(), args: [bob.address], functionName: 'isAuthorisedMaker'})).toBe(false)
    expect(await read(client, {...c(), args: [bob.address], functionName: 'isOnList'})).toBe(true)
  })

  it('mints exactly _tokensToCreate with proxyAccountingCreation, owner only', async () => {
    await expect(
      write(client, carol.account, {...c(), args: [carol.address, parseEther('1'), 1n], functionName: 'proxyAccountingCreation'}),
    ).rejects.toThrow()
    const before = await read<bigint>(client, {...n(), args: [carol.address], functionName: 'balanceOf'})
    const fees = await read<bigint>(client, {...n(), functionName: 'totalPledgedFees'})
    await write(client, owner.account, {...c(), args: [carol.address, parseEther('2'), 12_345n], functionName: 'proxyAccountingCreation'})
    expect(await read(client, {...n(), args: [carol.address], functionName: 'balanceOf'})).toBe(before + 12_345n)
    expect(await read(client, {...n(), functionName: 'totalPledgedFees'})).toBe(fees + parseEther('2'))
  })

  it('refuses burns until enabled, returns false (no revert) on an insufficient balance, and pays floor(pledged × amount / supply)', async () => {
    await expect(write(client, alice.account, {...n(), args: [1n], functionName: 'burnAndRetrieve'})).rejects.toThrow()
    const enabled = await write(client, owner.account, {...c(), args: [true], functionName: 'enableBurning'})
    expect(parseEventLogs({abi: nectarControllerAbi, eventName: 'BurningEnabled', logs: enabled.logs})[0].args.enabled).toBe(true)
    expect(await read(client, {...n(), functionName: 'burningEnabled'})).toBe(true)

    // Insufficient balance: the call returns false and the transaction succeeds without burning.
    const {result} = await client.simulateContract({...n(), account: carol.account, args: [10n ** 30n], functionName: 'burnAndRetrieve'})
    expect(result).toBe(false)
    const noBurn = await write(client, carol.account, {...n(), args: [10n ** 30n], functionName: 'burnAndRetrieve'})
    expect(parseEventLogs({abi: necAbi, eventName: 'Burned', logs: noBurn.logs})).toHaveLength(0)

    // A real burn: pledge an odd amount so the floor matters, fund the controller.
    await write(client, owner.account, {...c(), args: [carol.address, 7_777_777_777_777_777_777n, 3n * E18 + 1n], functionName: 'proxyAccountingCreation'})
    await write(client, owner.account, {...c(), functionName: 'topUpBalance', value: parseEther('20')})
    const amount = 2n * E18 + 123_456_789n
    const pledged = await read<bigint>(client, {...n(), functionName: 'totalPledgedFees'})
    const supply = await read<bigint>(client, {...n(), functionName: 'totalSupply'})
    const expected = (pledged * amount) / supply
    expect(expected).toBeGreaterThan(0n)
    const ethBefore = await client.getBalance({address: carol.address})
    const controllerBefore = await client.getBalance({address: controller})
    const receipt = await write(client, carol.account, {...n(), args: [amount], functionName: 'burnAndRetrieve'})
    const gasCost = receipt.gasUsed * receipt.effectiveGasPrice
    expect(await client.getBalance({address: carol.address})).toBe(ethBefore - gasCost + expected)
    expect(await client.getBalance({address: controller})).toBe(controllerBefore - expected)
    expect(await read(client, {...n(), functionName: 'totalSupply'})).toBe(supply - amount)
    const claims = parseEventLogs({abi: nectarControllerAbi, eventName: 'LogClaim', logs: receipt.logs})
    expect(claims[0].args).toEqual({_amount: expected, _user: carol.address})
    expect(parseEventLogs({abi: necAbi, eventName: 'Burned', logs: receipt.logs})[0].args).toEqual({_amount: amount, who: carol.address})
    const transfers = parseEventLogs({abi: necAbi, eventName: 'Transfer', logs: receipt.logs})
    expect(transfers[0].args).toEqual({_amount: amount, _from: carol.address, _to: zeroAddress})
  })

  it('accepts onBurn only from the token', async () => {
    await expect(write(client, alice.account, {...c(), args: [alice.address, 1n], functionName: 'onBurn'})).rejects.toThrow()
  })

  it('treats plain ETH to the controller as a taker payment: pledged, forwarded to the vault, no tokens', async () => {
    const fees = await read<bigint>(client, {...n(), functionName: 'totalPledgedFees'})
    const vaultBefore = await client.getBalance({address: vault.address})
    const hash = await walletFor(client, alice.account).sendTransaction({account: alice.account, chain: client.chain, to: controller, value: parseEther('1')} as never)
    const receipt = await client.waitForTransactionReceipt({hash: hash as Hex, pollingInterval: 10})
    expect(receipt.status).toBe('success')
    expect(await read(client, {...n(), functionName: 'totalPledgedFees'})).toBe(fees + parseEther('1'))
    expect(await client.getBalance({address: vault.address})).toBe(vaultBefore + parseEther('1'))
    const log = parseEventLogs({abi: nectarControllerAbi, eventName: 'LogContributions', logs: receipt.logs})[0]
    expect(log.args).toEqual({_amount: parseEther('1'), _maker: false, _user: alice.address})
  })
})

describe('issuance across windows (private anvil, time travel)', () => {
  let chain: PrivateChain
  let owner: PrivateKeyAccount

  beforeAll(async () => {
    chain = await privateChain()
    const {privateKeyToAccount} = await import('viem/accounts')
    const {DEV_PRIVATE_KEYS} = await import('../../src/lib/devnet/accounts.js')
    owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  })
  afterAll(async () => {
    await chain?.stop()
  })

  const c = () => ({abi: nectarControllerAbi, address: chain.deployment.contracts.controller})
  const n = () => ({abi: necAbi, address: chain.deployment.contracts.nec})

  it('follows the v2 formula: 1000 at S0, 4000 while a window snapshot is unset, the curve once set, and 0 at 2·S0', async () => {
    const {client} = chain
    expect(await read(client, {...c(), functionName: 'currentWindow'})).toBe(1n)
    expect(await read(client, {...c(), args: [E18], functionName: 'getFeeToTokenConversion'})).toBe(1000n * E18)

    // Window 2: snapshot unset -> previousSupply = totalSupplyAt(0) = 0 -> 4000 per ETH (as on mainnet).
    await advanceTime(client, 30 * DAY)
    expect(await read(client, {...c(), functionName: 'currentWindow'})).toBe(2n)
    expect(await read(client, {...c(), args: [1n], functionName: 'windowFinalBlock'})).toBe(0n)
    expect(await read(client, {...c(), args: [E18], functionName: 'getFeeToTokenConversion'})).toBe(4000n * E18)

    // A zero-token proxyAccountingCreation sets the snapshot to the block before it.
    const supply = await read<bigint>(client, {...n(), functionName: 'totalSupply'})
    const receipt = await write(client, owner, {...c(), args: [owner.address, 0n, 0n], functionName: 'proxyAccountingCreation'})
    expect(await read(client, {...c(), args: [1n], functionName: 'windowFinalBlock'})).toBe(receipt.blockNumber - 1n)
    for (const contributed of [1n, 5n, E18, 123_456_789_012_345_678_901n, parseEther('2580.9')]) {
      expect(await read(client, {...c(), args: [contributed], functionName: 'getFeeToTokenConversion'})).toBe(v2Tokens(contributed, supply, S0))
    }
    const rate = await read<bigint>(client, {...c(), args: [E18], functionName: 'getFeeToTokenConversion'})
    expect(rate).toBeLessThan(1000n * E18)
    expect(rate).toBeGreaterThan(0n)

    // Push the supply to 2·S0 within window 2 (the rate stays fixed by the snapshot) ...
    const now = await read<bigint>(client, {...n(), functionName: 'totalSupply'})
    await write(client, owner, {...c(), args: [owner.address, 0n, 2n * S0 - now], functionName: 'proxyAccountingCreation'})
    expect(await read(client, {...c(), args: [E18], functionName: 'getFeeToTokenConversion'})).toBe(rate)
    // ... and in window 3, once the snapshot is taken, issuance is 0.
    await advanceTime(client, 30 * DAY)
    await write(client, owner, {...c(), args: [owner.address, 0n, 0n], functionName: 'proxyAccountingCreation'})
    expect(await read(client, {...c(), functionName: 'currentWindow'})).toBe(3n)
    expect(await read(client, {...c(), args: [E18], functionName: 'getFeeToTokenConversion'})).toBe(0n)
    expect(v2Tokens(E18, 2n * S0, S0)).toBe(0n)
  })

  it('mints getFeeToTokenConversion(msg.value) to the maker on contributeForMakers (the seed authorises dev0)', async () => {
    const {client} = chain
    const maker = DEV_ADDRESSES[1]
    const before = await read<bigint>(client, {...n(), args: [maker], functionName: 'balanceOf'})
    const expected = await read<bigint>(client, {...c(), args: [parseEther('1')], functionName: 'getFeeToTokenConversion'})
    await write(client, owner, {...c(), args: [maker], functionName: 'contributeForMakers', value: parseEther('1')})
    expect(await read(client, {...n(), args: [maker], functionName: 'balanceOf'})).toBe(before + expected)
  })
})
