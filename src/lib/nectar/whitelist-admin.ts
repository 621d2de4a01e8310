// Owner operations on the whitelist (admins, the list switch, maker authorisation): each is checked
// against the caller's role and the current state before a transaction is prepared.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {type WriteCall, writeCall} from '../chain/transact.js'
import {nectarError} from '../core/errors.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {getAccountRoles, requireRole} from './whitelist.js'

export type OwnerOperation =
  | {kind: 'activate'; active: boolean}
  | {kind: 'addAdmin'; target: Address}
  | {kind: 'authoriseMaker'; target: Address}
  | {kind: 'deauthoriseMaker'; target: Address}
  | {kind: 'removeAdmin'; target: Address}

/** The controller functions the owner operations call. */
export type OwnerFunction = 'activateWhitelist' | 'addAdmin' | 'authoriseMaker' | 'deauthoriseMaker' | 'removeAdmin'

/** A typed call of one of them (a misspelt name or a wrong argument does not compile). */
export type OwnerCall = {[F in OwnerFunction]: WriteCall<typeof nectarControllerAbi, F>}[OwnerFunction]

export interface OwnerPlan {
  /** One line for the preview and the result. */
  action: string
  /** The call to send; undefined when the state is already what was asked (nothing to send). */
  call?: OwnerCall
  /** Why nothing is sent, when `call` is undefined. */
  unchanged?: string
}

/**
 * Checks the caller is the owner (and, for authoriseMaker, also an admin: the controller's
 * authoriseMaker registers the maker through register(), which is onlyAdmins) and reads the current
 * state: a no-op is reported instead of sent, removing someone who does not hold a role is an error.
 */
export async function planOwnerOperation(client: ChainClient, {account, controller, op}: {account: Address; controller: Address; op: OwnerOperation}): Promise<OwnerPlan> {
  const roles = await getAccountRoles(client, {account, controller})
  const c = {abi: nectarControllerAbi, address: controller} as const
  switch (op.kind) {
    case 'activate': {
      requireRole(roles, 'owner', 'activateWhitelist')
      const action = op.active ? 'Enable the whitelist' : 'Disable the whitelist'
      if (roles.listActive === op.active) return {action, unchanged: `The whitelist is already ${op.active ? 'active' : 'off'}.`}
      return {action, call: writeCall({...c, args: [op.active], functionName: 'activateWhitelist'})}
    }
    case 'addAdmin':
    case 'removeAdmin': {
      const adding = op.kind === 'addAdmin'
      requireRole(roles, 'owner', adding ? 'addAdmin' : 'removeAdmin')
      const isAdmin = await client.readContract({...c, args: [op.target], functionName: 'isAdmin'})
      const action = adding ? `Make ${op.target} a whitelist admin` : `Remove ${op.target} from the whitelist admins`
      if (adding && isAdmin) return {action, unchanged: `${op.target} is already an admin.`}
      if (!adding && !isAdmin) {
        throw nectarError('ADMIN_NOT_FOUND', `${op.target} is not a whitelist admin, so there is nothing to remove; nothing was sent.`, {
          hint: 'List the admins with `nectar whitelist admins list`.',
        })
      }
      return {action, call: adding ? writeCall({...c, args: [op.target], functionName: 'addAdmin'}) : writeCall({...c, args: [op.target], functionName: 'removeAdmin'})}
    }
    case 'authoriseMaker': {
      requireRole(roles, 'owner', 'authoriseMaker')
      if (!roles.isAdmin) {
        throw nectarError('OWNER_NOT_ADMIN', `The owner ${account} is not a whitelist admin: authoriseMaker also registers the maker through register(), which only admins may call, so it would revert; nothing was sent.`, {
          hint: `Make the owner an admin first: \`nectar whitelist admins add ${account}\`.`,
        })
      }
      const [authorised, onList] = await client.multicall({
        allowFailure: false,
        contracts: [{...c, args: [op.target], functionName: 'getAuthorisationStatus'}, {...c, args: [op.target], functionName: 'getRegistrationStatus'}],
        deployless: true,
      })
      const action = `Authorise ${op.target} as a maker-fee source (and register it)`
      if (authorised && onList) return {action, unchanged: `${op.target} is already an authorised maker and registered.`}
      return {action, call: writeCall({...c, args: [op.target], functionName: 'authoriseMaker'})}
    }
    case 'deauthoriseMaker': {
      requireRole(roles, 'owner', 'deauthoriseMaker')
      const authorised = await client.readContract({...c, args: [op.target], functionName: 'getAuthorisationStatus'})
      if (!authorised) {
        throw nectarError('NOT_A_MAKER', `${op.target} is not an authorised maker, so there is nothing to deauthorise; nothing was sent.`, {
          hint: 'Check it with `nectar whitelist status --account ADDRESS`.',
        })
      }
      return {action: `Deauthorise ${op.target} as a maker-fee source (it stays registered)`, call: writeCall({...c, args: [op.target], functionName: 'deauthoriseMaker'})}
    }
  }
}
