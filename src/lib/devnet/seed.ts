// The Nectar part of the devnet world: a whitelist with the owner, the vault and five market makers,
// maker balances issued with proxyAccountingCreation at the window-1 rate, burning on, and the
// controller funded for burn payouts.
import {type Address, parseEther} from 'viem'

import {nectarControllerAbi} from '../contracts/generated/NectarController.js'
import {DEV_ADDRESSES, DEVNET_ROLES} from './accounts.js'
import {type SeedContext} from './deploy.js'

/** Fees pledged per maker (dev1..dev5), in ETH. */
export const SEED_MAKER_FEES_ETH = ['3', '5', '8', '13', '21'] as const
/** ETH sent to the controller with topUpBalance, for burn payouts. */
export const SEED_CONTROLLER_TOP_UP_ETH = '50'

export async function seedNectar({batch, client, deployment}: SeedContext): Promise<void> {
  const {controller} = deployment.contracts
  const makers = DEVNET_ROLES.makers.map((i) => ({address: DEV_ADDRESSES[i] as Address, name: `dev${i}`}))
  const registered = [deployment.owner, ...makers.map((m) => m.address), deployment.vault]

  await batch.send('whitelist register', {abi: nectarControllerAbi, address: controller, args: [registered], functionName: 'register'})
  // The owner is also an authorised maker-fee source, so contributeForMakers works on the devnet.
  await batch.send('authoriseMaker(owner)', {abi: nectarControllerAbi, address: controller, args: [deployment.owner], functionName: 'authoriseMaker'})

  // Issue at the contract's own rate, so balances are what getFeeToTokenConversion says. Read only
  // once everything sent so far is mined.
  await batch.flush()
  const fees = SEED_MAKER_FEES_ETH.map((eth) => parseEther(eth))
  const tokens = await Promise.all(
    fees.map((fee) => client.readContract({abi: nectarControllerAbi, address: controller, args: [fee], functionName: 'getFeeToTokenConversion'})),
  )
  for (const [i, maker] of makers.entries()) {
    await batch.send(`proxyAccountingCreation(${maker.name})`, {
      abi: nectarControllerAbi,
      address: controller,
      args: [maker.address, fees[i], tokens[i]],
      functionName: 'proxyAccountingCreation',
    })
  }
  await batch.send('enableBurning(true)', {abi: nectarControllerAbi, address: controller, args: [true], functionName: 'enableBurning'})
  const topUp = parseEther(SEED_CONTROLLER_TOP_UP_ETH)
  await batch.send('topUpBalance', {abi: nectarControllerAbi, address: controller, functionName: 'topUpBalance', value: topUp})
  await batch.flush()

  deployment.registered = registered
  deployment.makers = makers.map((m, i) => ({...m, pledgedWei: fees[i].toString(), tokensWei: tokens[i].toString()}))
  deployment.controllerTopUpWei = topUp.toString()
}
