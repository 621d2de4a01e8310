// A candidate controller on the devnet: another NectarController for the same NEC, with the current
// controller's vault and window start, deployed by the signing account (which owns it and is its first
// admin). The rehearsal of an upgrade (`controller migrate`, `controller upgrade`) starts here.
import {type Address, getAddress, type Hash, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {walletFor} from '../chain/transact.js'
import {nectarError} from '../core/errors.js'
import {necAbi} from '../contracts/generated/NEC.js'
import {nectarControllerAbi, nectarControllerBytecode} from '../contracts/generated/NectarController.js'

export interface CandidateDeployment {
  address: Address
  block: bigint
  nec: Address
  owner: Address
  startTime: bigint
  txHash: Hash
  vault: Address
}

export async function deployCandidateController(client: ChainClient, {account, nec, vault}: {account: LocalAccount; nec: Address; vault?: Address}): Promise<CandidateDeployment> {
  const current = await client.readContract({abi: necAbi, address: nec, functionName: 'controller'})
  const c = {abi: nectarControllerAbi, address: current} as const
  const [currentVault, startTime] = await Promise.all([client.readContract({...c, functionName: 'vaultAddress'}), client.readContract({...c, functionName: 'startTime'})])
  const args = [vault ?? currentVault, nec, startTime] as const
  const txHash = await walletFor(client, account).deployContract({abi: nectarControllerAbi, account, args, bytecode: nectarControllerBytecode, chain: client.chain})
  const receipt = await client.waitForTransactionReceipt({hash: txHash})
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw nectarError('DEVNET_DEPLOY_FAILED', `Deploying the candidate controller reverted (${txHash}).`, {hint: 'Run `nectar devnet reset` to start from a clean chain.'})
  }
  return {address: getAddress(receipt.contractAddress), block: receipt.blockNumber, nec, owner: account.address, startTime, txHash, vault: args[0]}
}
