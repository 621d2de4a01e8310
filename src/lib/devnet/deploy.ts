// Deploys the Nectar contracts to a devnet and seeds a small world, fast: transactions are signed
// locally with explicit nonces, gas and fees and sent back to back (anvil mines each on arrival), and
// the receipts are checked once at the end of each batch. Fees are chosen as the CLI chooses them
// (chooseFees): EIP-1559 where blocks carry a base fee, else a legacy gas price (0 included), so the
// same deployment runs on a 2018-era chain (anvil --hardfork byzantium).
import {CONTRACTS_VERSION} from '../contracts/generated/version.js'
import {
  type Abi,
  type ContractFunctionName,
  type Address,
  type Hash,
  type Hex,
  encodeDeployData,
  getContractAddress,
} from 'viem'
import {type PrivateKeyAccount, privateKeyToAccount} from 'viem/accounts'

import {nectarError} from '../core/errors.js'
import {type ChainClient} from '../chain/client.js'
import {callData, chooseFees, type Fees, signTx, walletFor, type WriteCall} from '../chain/transact.js'
import {type ContractName} from '../config/store.js'
import {miniMeTokenFactoryAbi, miniMeTokenFactoryBytecode} from '../contracts/generated/MiniMeTokenFactory.js'
import {necAbi, necBytecode} from '../contracts/generated/NEC.js'
import {nectarControllerAbi, nectarControllerBytecode} from '../contracts/generated/NectarController.js'
import {proposalManagerAbi, proposalManagerBytecode} from '../contracts/generated/ProposalManager.js'
import {DEV_ADDRESSES, DEV_PRIVATE_KEYS, DEVNET_ROLES} from './accounts.js'

const DEPLOY_GAS = 8_000_000n
const CALL_GAS = 1_000_000n

interface PendingTx {
  hash: Hash
  label: string
}

/**
 * A batch of transactions from one account with locally managed nonces. `deploy` and `send` return as
 * soon as the node has the transaction; `flush` waits for all receipts and fails naming the first that
 * reverted.
 */
export class TxBatch {
  readonly account: PrivateKeyAccount
  readonly client: ChainClient
  private nonce: number
  private pending: PendingTx[] = []
  /** Block of the last receipt seen by `flush` (0 before any). */
  lastBlock = 0n
  /** Chosen once, when the batch is made. */
  readonly fees: Fees

  private constructor(client: ChainClient, account: PrivateKeyAccount, nonce: number, fees: Fees) {
    this.client = client
    this.account = account
    this.nonce = nonce
    this.fees = fees
  }

  static async create(client: ChainClient, privateKey: Hex): Promise<TxBatch> {
    const account = privateKeyToAccount(privateKey)
    const [nonce, fees] = await Promise.all([client.getTransactionCount({address: account.address, blockTag: 'pending'}), chooseFees(client)])
    return new TxBatch(client, account, nonce, fees)
  }

  get address(): Address {
    return this.account.address
  }

  /** Sends a contract creation; returns the address it will have. */
  async deploy(label: string, abi: Abi, bytecode: Hex, args: readonly unknown[] = [], gas = DEPLOY_GAS): Promise<Address> {
    const address = getContractAddress({from: this.account.address, nonce: BigInt(this.nonce)})
    await this.sendRaw(label, {data: encodeDeployData({abi, args, bytecode} as never), gas})
    return address
  }

  /** Sends a contract call, typed by its ABI like transact(). */
  async send<const abi extends Abi | readonly unknown[], functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>>(
    label: string,
    call: WriteCall<abi, functionName> & {gas?: bigint},
  ): Promise<Hash> {
    const data = callData(call as unknown as WriteCall)
    return this.sendRaw(label, {data, gas: call.gas ?? CALL_GAS, to: call.address, value: call.value})
  }

  private async sendRaw(label: string, tx: {data: Hex; gas: bigint; to?: Address; value?: bigint}): Promise<Hash> {
    const serializedTransaction = await signTx(this.account, {chainId: this.client.chain!.id, data: tx.data, fees: this.fees, gas: tx.gas, nonce: this.nonce, to: tx.to, value: tx.value ?? 0n})
    const hash = await walletFor(this.client, this.account).sendRawTransaction({serializedTransaction})
    this.nonce++
    this.pending.push({hash, label})
    return hash
  }

  /** Waits for every transaction sent so far and checks that none reverted. Returns the block of the last one. */
  async flush(): Promise<bigint> {
    const pending = this.pending
    this.pending = []
    if (pending.length === 0) return this.lastBlock
    const deadline = Date.now() + 30_000
    let last: bigint = 0n
    for (const tx of pending) {
      for (;;) {
        const receipt = (await this.client.request({method: 'eth_getTransactionReceipt', params: [tx.hash]} as never)) as {
          blockNumber: Hex
          status: Hex
        } | null
        if (receipt) {
          if (receipt.status !== '0x1') {
            throw nectarError('DEVNET_DEPLOY_FAILED', `Devnet setup step "${tx.label}" reverted (${tx.hash}).`, {
              hint: 'Run `nectar devnet reset` to start from a clean chain.',
            })
          }
          last = BigInt(receipt.blockNumber)
          if (last > this.lastBlock) this.lastBlock = last
          break
        }
        if (Date.now() > deadline) {
          throw nectarError('DEVNET_DEPLOY_TIMEOUT', `Devnet setup step "${tx.label}" was not mined (${tx.hash}).`, {
            hint: 'Is the node mining? The devnet expects anvil with automine.',
          })
        }
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
    return last
  }
}

export interface DevnetMaker {
  /** dev1..dev5 */
  name: string
  address: Address
  /** Fees pledged for this maker, wei (decimal string). */
  pledgedWei: string
  /** NEC minted to this maker, wei (decimal string). */
  tokensWei: string
}

/** Contract addresses on the devnet: the profile's names plus the MiniMe factory. */
export type DevnetContracts = Partial<Record<ContractName, Address>> & {
  controller: Address
  nec: Address
  tokenFactory: Address
}

/** Plain JSON (no bigints) so it can be written to disk and passed between processes. */
export interface DevnetDeployment {
  /** CONTRACTS_VERSION of the build that deployed it (absent in records of older builds). */
  contractsVersion?: string
  chainId: number
  contracts: DevnetContracts
  /** dev0: deployer, controller owner, whitelist admin. */
  owner: Address
  /** dev9: holds the initial supply, receives fees. */
  vault: Address
  /** Window 1 starts here (unix seconds). */
  startTime: number
  /** Block of the last deployment transaction. */
  deployBlock: number
  /** Block of the last seeding transaction (balances "as seeded" are balanceOfAt this block). */
  seededBlock: number
  makers: DevnetMaker[]
  /** Accounts registered on the whitelist by the seed. */
  registered: Address[]
  /** ETH wei sent to the controller with topUpBalance (decimal string). */
  controllerTopUpWei: string
  deployedAt: string
}

export interface DeployOptions {
  /** Deployer and owner key (default dev0). */
  ownerKey?: Hex
  /** Vault address (default dev9). */
  vault?: Address
  /** Window 1 start (default: the latest block's timestamp). */
  startTime?: number
}

/**
 * Deploys MiniMeTokenFactory, NEC (initial supply to the vault), NectarController(vault, NEC, startTime)
 * and hands NEC to the controller; then the ProposalManager (governance). The owner (dev0) is the
 * controller's owner and whitelist admin, and the ProposalManager's owner and first admin.
 */
export async function deployNectar(client: ChainClient, options: DeployOptions = {}, batch?: TxBatch): Promise<DevnetDeployment> {
  const tx = batch ?? (await TxBatch.create(client, options.ownerKey ?? DEV_PRIVATE_KEYS[DEVNET_ROLES.owner]))
  const vault = options.vault ?? DEV_ADDRESSES[DEVNET_ROLES.vault]
  const startTime = options.startTime ?? Number((await client.getBlock({blockTag: 'latest'})).timestamp)
  const tokenFactory = await tx.deploy('deploy MiniMeTokenFactory', miniMeTokenFactoryAbi, miniMeTokenFactoryBytecode)
  const nec = await tx.deploy('deploy NEC', necAbi, necBytecode, [tokenFactory, vault])
  // The controller's constructor snapshots block.number - 1 as window 0: NEC must be mined before it.
  const controller = await tx.deploy('deploy NectarController', nectarControllerAbi, nectarControllerBytecode, [vault, nec, BigInt(startTime)])
  await tx.send('NEC.changeController', {abi: necAbi, address: nec, args: [controller], functionName: 'changeController'})
  // Governance: proposals voted with NEC held at a snapshot (MiniMe clones made by the factory); the owner is its first admin.
  const proposalManager = await tx.deploy('deploy ProposalManager', proposalManagerAbi, proposalManagerBytecode, [tokenFactory, nec])
  const deployBlock = await tx.flush()
  return {
    chainId: client.chain!.id,
    contracts: {controller, nec, proposalManager, tokenFactory},
    controllerTopUpWei: '0',
    deployBlock: Number(deployBlock),
    seededBlock: Number(deployBlock),
    deployedAt: new Date().toISOString(),
    makers: [],
    owner: tx.address,
    registered: [],
    startTime,
    vault,
  }
}

/** Everything a seeder needs: the client, the owner's transaction batch, and the deployment to extend. */
export interface SeedContext {
  batch: TxBatch
  client: ChainClient
  deployment: DevnetDeployment
}

/**
 * A seeding step. It may deploy more contracts (add them to `deployment.contracts`) and send
 * transactions through `batch`; it must `flush()` before it reads state that its transactions change.
 */
export type DevnetSeeder = (context: SeedContext) => Promise<void>

export interface DeployAndSeedOptions extends DeployOptions {
  onProgress?: (message: string) => void
  /** Seeding steps after the Nectar deployment (default: the Nectar seed, then the market's). */
  seeders?: DevnetSeeder[]
}

/** Deploys the Nectar contracts and runs the seeders; returns every address. */
export async function deployAndSeed(client: ChainClient, options: DeployAndSeedOptions = {}): Promise<DevnetDeployment> {
  const [{seedNectar}, {seedMarket}] = await Promise.all([import('./seed.js'), import('./deploy-market.js')])
  const seeders = options.seeders ?? [seedNectar, seedMarket]
  const batch = await TxBatch.create(client, options.ownerKey ?? DEV_PRIVATE_KEYS[DEVNET_ROLES.owner])
  options.onProgress?.('Deploying NEC and NectarController…')
  const deployment = await deployNectar(client, options, batch)
  options.onProgress?.('Seeding the devnet…')
  for (const seeder of seeders) {
    await seeder({batch, client, deployment})
    const last = Number(await batch.flush())
    if (last > deployment.seededBlock) deployment.seededBlock = last
  }
  return {...deployment, contractsVersion: CONTRACTS_VERSION}
}
