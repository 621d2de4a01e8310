// Type test, checked by `npm run typecheck`, never run: the NEC write actions and their calls are typed
// from the `as const` ABIs. Each `@ts-expect-error` fails the check if the line under it ever compiles.
import {type Address} from 'viem'

import {type BatchCall, type BatchSendOptions} from '../../src/lib/chain/batch.js'
import {type ChainClient} from '../../src/lib/chain/client.js'
import {type TransactOptions, writeCall} from '../../src/lib/chain/transact.js'
import {necAbi, nectarControllerAbi} from '../../src/lib/contracts/generated/index.js'
import {issueRewards} from '../../src/lib/nectar/issue.js'
import {redeem} from '../../src/lib/nectar/redeem.js'
import {runOwnerOperation} from '../../src/lib/nectar/run-owner-operation.js'
import {transfer} from '../../src/lib/nectar/transfer.js'
import {type OwnerCall} from '../../src/lib/nectar/whitelist-admin.js'
import {changeWhitelist} from '../../src/lib/nectar/whitelist-change.js'

declare const client: ChainClient
declare const send: TransactOptions
declare const batch: BatchSendOptions
declare const controller: Address
declare const nec: Address
declare const holder: Address

export async function nectarWrites() {
  // The owner operations' calls: only the five owner functions of the controller, each with its arguments.
  const add: OwnerCall = writeCall({abi: nectarControllerAbi, address: controller, args: [holder], functionName: 'addAdmin'})
  const off: OwnerCall = writeCall({abi: nectarControllerAbi, address: controller, args: [false], functionName: 'activateWhitelist'})
  // @ts-expect-error register is an admin's function, not one of the owner operations
  const register: OwnerCall = writeCall({abi: nectarControllerAbi, address: controller, args: [[holder]], functionName: 'register'})
  // @ts-expect-error activateWhitelist takes a boolean
  const wrong: OwnerCall = writeCall({abi: nectarControllerAbi, address: controller, args: ['yes'], functionName: 'activateWhitelist'})
  // @ts-expect-error the NEC token has no addAdmin
  const token: OwnerCall = writeCall({abi: necAbi, address: nec, args: [holder], functionName: 'addAdmin'})
  void [add, off, register, wrong, token]

  // Batch items are typed writes with a key.
  const item: BatchCall = {...writeCall({abi: nectarControllerAbi, address: controller, args: [[holder]], functionName: 'register'}), key: 'k'}
  // @ts-expect-error proxyAccountingCreation's amounts are uint256 (bigint)
  writeCall({abi: nectarControllerAbi, address: controller, args: [holder, '1', 2n], functionName: 'proxyAccountingCreation'})
  void item

  // Single transactions take TransactOptions (the transaction flags); batches take BatchSendOptions.
  await transfer(client, {amount: 1n, nec, to: holder}, send)
  await redeem(client, {amount: 'all', nec}, send)
  await runOwnerOperation(client, {controller, op: {kind: 'addAdmin', target: holder}}, send)
  await changeWhitelist(client, {action: 'add', addresses: [holder], controller, journalDir: '/tmp'}, batch)
  // @ts-expect-error a batch confirms a BatchPreview, not one transaction's preview
  await changeWhitelist(client, {action: 'add', addresses: [holder], controller, journalDir: '/tmp'}, send)
  // @ts-expect-error an amount is a bigint of NEC wei, not a string
  await transfer(client, {amount: '1', nec, to: holder}, send)
  void issueRewards
}
