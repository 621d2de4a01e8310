// The shared body of the owner commands (admins add/remove, enable/disable, makers authorise/deauthorise):
// plan (role and state checks), then one transaction through transact(), or nothing when already so.
import {type Address, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TxPreview} from '../chain/transact.js'
import {type OwnerOperation, planOwnerOperation} from './whitelist-admin.js'

export interface OwnerOperationResult {
  action: string
  block?: string
  changed: boolean
  controller: Address
  message: string
  txHash?: string
}

export async function runOwnerOperation(
  client: ChainClient,
  {account, confirm, controller, onSent, op}: {account: LocalAccount; confirm: (p: TxPreview) => Promise<void>; controller: Address; onSent?: (hash: string) => void; op: OwnerOperation},
): Promise<OwnerOperationResult> {
  const plan = await planOwnerOperation(client, {account: account.address, controller, op})
  if (!plan.call) return {action: plan.action, changed: false, controller, message: `${plan.unchanged} Nothing was sent.`}
  const result = await transact(client, plan.action, plan.call, {account, confirm, onSent})
  return {action: plan.action, block: result.blockNumber.toString(), changed: true, controller, message: `${plan.action}: done in ${result.hash} (block ${result.blockNumber})`, txHash: result.hash}
}
