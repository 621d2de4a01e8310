// The owner operations (admins add/remove, enable/disable, makers authorise/deauthorise) as one action:
// plan (role and state checks), then one transaction through transact(), or nothing when already so.
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions} from '../chain/transact.js'
import {type OwnerOperation, planOwnerOperation} from './whitelist-admin.js'

export interface OwnerOperationResult {
  action: string
  /** Absent when nothing was sent. */
  block?: bigint
  changed: boolean
  controller: Address
  message: string
  txHash?: Hash
}

export async function runOwnerOperation(client: ChainClient, {controller, op}: {controller: Address; op: OwnerOperation}, send: TransactOptions): Promise<OwnerOperationResult> {
  const plan = await planOwnerOperation(client, {account: send.account.address, controller, op})
  if (!plan.call) return {action: plan.action, changed: false, controller, message: `${plan.unchanged} Nothing was sent.`}
  const result = await transact(client, plan.action, plan.call, send)
  return {action: plan.action, block: result.blockNumber, changed: true, controller, message: `${plan.action}: done in ${result.hash} (block ${result.blockNumber})`, txHash: result.hash}
}
