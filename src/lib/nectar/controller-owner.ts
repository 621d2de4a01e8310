// The controller's owner operations (burning switch, ETH for redemptions, vault, ownership) as one
// action each: checked against the caller's role and the current state, then one transaction through
// transact(), or nothing when the state is already what was asked.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails, type WriteCall, writeCall} from '../chain/transact.js'
import {displayAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {type OwnerOperationResult} from './run-owner-operation.js'
import {getAccountRoles, requireRole} from './whitelist.js'

export type ControllerOperation =
  | {enabled: boolean; kind: 'burning'}
  | {amount: bigint; kind: 'topUp'}
  | {kind: 'evacuate'}
  | {kind: 'setVault'; vault: Address}
  | {kind: 'changeOwner'; owner: Address}

type ControllerFunction = 'changeOwner' | 'enableBurning' | 'evacuateToVault' | 'setVault' | 'topUpBalance'
type ControllerCall = {[F in ControllerFunction]: WriteCall<typeof nectarControllerAbi, F>}[ControllerFunction]

export interface ControllerPlan {
  action: string
  call?: ControllerCall
  details: Array<[string, string]>
  unchanged?: string
  warnings: string[]
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * Checks an operation on `controller` before anything is signed: the owner for everything but a
 * top-up (anyone may fund redemptions), burning only through NEC's own controller (the token checks
 * its caller), a top-up the signer can pay, and an evacuation only when there is ETH to move.
 */
export async function planControllerOperation(client: ChainClient, {account, controller, nec, op}: {account: Address; controller: Address; nec: Address; op: ControllerOperation}): Promise<ControllerPlan> {
  const c = {abi: nectarControllerAbi, address: controller} as const
  const [roles, vault, balance] = await Promise.all([getAccountRoles(client, {account, controller}), client.readContract({...c, functionName: 'vaultAddress'}), client.getBalance({address: controller})])
  const warnings: string[] = []
  switch (op.kind) {
    case 'burning': {
      requireRole(roles, 'owner', 'enableBurning')
      const [tokenController, enabled] = await Promise.all([
        client.readContract({abi: necAbi, address: nec, functionName: 'controller'}),
        client.readContract({abi: necAbi, address: nec, functionName: 'burningEnabled'}),
      ])
      if (!same(tokenController, controller)) {
        throw nectarError('NOT_CONTROLLER', `${controller} is not NEC's controller (${tokenController}); only NEC's controller can switch burning. Nothing was sent.`, {hint: 'Drop --controller.'})
      }
      const action = op.enabled ? 'Enable burning (redemption of NEC for ETH)' : 'Disable burning'
      if (enabled === op.enabled) return {action, details: [], unchanged: `Burning is already ${op.enabled ? 'enabled' : 'disabled'}.`, warnings}
      if (op.enabled && balance === 0n) warnings.push(`The controller holds no ETH, so every redemption will fail until it is topped up (\`nectar controller top-up ETH\`).`)
      return {action, call: writeCall({...c, args: [op.enabled], functionName: 'enableBurning'}), details: [['controller ETH', `${displayAmount(balance)} ETH for payouts`]], warnings}
    }
    case 'topUp': {
      const mine = await client.getBalance({address: account})
      if (mine < op.amount) {
        throw nectarError('INSUFFICIENT_ETH', `${account} holds ${displayAmount(mine)} ETH, less than the ${displayAmount(op.amount)} ETH top-up (plus gas). Nothing was sent.`, {hint: 'Top up a smaller amount, or fund the account.'})
      }
      return {
        action: `Top up ${controller} with ${displayAmount(op.amount)} ETH for redemptions`,
        call: writeCall({...c, args: [], functionName: 'topUpBalance', value: op.amount}),
        details: [['controller ETH', `${displayAmount(balance)} → ${displayAmount(balance + op.amount)} ETH`]],
        warnings,
      }
    }
    case 'evacuate': {
      requireRole(roles, 'owner', 'evacuateToVault')
      const action = `Move the controller's ${displayAmount(balance)} ETH to the vault ${vault}`
      if (balance === 0n) return {action, details: [], unchanged: 'The controller holds no ETH.', warnings}
      const code = await client.getCode({address: vault})
      if (code && code !== '0x') warnings.push(`The vault ${vault} is a contract: the controller pays it with a 2300-gas send, which fails if its fallback needs more.`)
      const burning = await client.readContract({abi: necAbi, address: nec, functionName: 'burningEnabled'})
      const tokenController = await client.readContract({abi: necAbi, address: nec, functionName: 'controller'})
      if (burning && same(tokenController, controller)) warnings.push('Burning stays enabled: redemptions will fail while the controller holds no ETH.')
      return {action, call: writeCall({...c, args: [], functionName: 'evacuateToVault'}), details: [['amount', `${displayAmount(balance)} ETH`], ['vault', vault]], warnings}
    }
    case 'setVault': {
      requireRole(roles, 'owner', 'setVault')
      const action = `Set the vault to ${op.vault}`
      if (same(vault, op.vault)) return {action, details: [], unchanged: `The vault is already ${op.vault}.`, warnings}
      if (same(op.vault, controller) || same(op.vault, nec)) {
        throw nectarError('BAD_VAULT', `The vault cannot be ${same(op.vault, nec) ? 'the NEC token' : 'the controller itself'}: fees sent there would be stuck or pledged again.`, {hint: 'Give the address that should receive fees.'})
      }
      return {action, call: writeCall({...c, args: [op.vault], functionName: 'setVault'}), details: [['vault', `${vault} → ${op.vault}`]], warnings}
    }
    case 'changeOwner': {
      requireRole(roles, 'owner', 'changeOwner')
      const action = `Transfer the controller's ownership to ${op.owner}`
      if (same(roles.owner, op.owner)) return {action, details: [], unchanged: `${op.owner} already owns the controller.`, warnings}
      const isAdmin = await client.readContract({...c, args: [op.owner], functionName: 'isAdmin'})
      if (!isAdmin) warnings.push(`${op.owner} is not a whitelist admin: as owner it cannot authorise makers until it is (\`nectar whitelist admins add ${op.owner}\`, before the transfer).`)
      warnings.push('There is no second step: the new owner has every owner power at once, and you keep none.')
      return {action, call: writeCall({...c, args: [op.owner], functionName: 'changeOwner'}), details: [['owner', `${roles.owner} → ${op.owner}`]], warnings}
    }
  }
}

/** Plans, warns, and sends (or reports that nothing needs sending). */
export async function runControllerOperation(client: ChainClient, {controller, nec, op}: {controller: Address; nec: Address; op: ControllerOperation}, send: TransactOptions): Promise<OwnerOperationResult> {
  const plan = await planControllerOperation(client, {account: send.account.address, controller, nec, op})
  if (!plan.call) return {action: plan.action, changed: false, controller, message: `${plan.unchanged} Nothing was sent.`}
  for (const warning of plan.warnings) send.warn?.(warning)
  // One call of a union of functions: its type was checked where it was built.
  const result = await transact(client, plan.action, plan.call as unknown as WriteCall, withDetails(send, [['controller', controller], ...plan.details]))
  return {action: plan.action, block: result.blockNumber, changed: true, controller, message: `${plan.action}: done in ${result.hash} (block ${result.blockNumber})`, txHash: result.hash}
}
