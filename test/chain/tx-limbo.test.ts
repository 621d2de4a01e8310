// No transaction in limbo: an RPC that forwards a transaction and then answers with an error, or dies
// after the send, never makes the pipeline say "not sent"; a stuck transaction is replaced or
// cancelled by its nonce, and the one it replaced is reported as replaced, never as done.
import http from 'node:http'
import {type AddressInfo} from 'node:net'

import {type Address, type Hash, parseEther} from 'viem'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type ChainClient, createChainClient} from '../../src/lib/chain/client.js'
import {rpcCall} from '../../src/lib/chain/rpc.js'
import {type SentTx} from '../../src/lib/chain/sent-log.js'
import {transact, type TransactOptions, writeCall} from '../../src/lib/chain/transact.js'
import {replaceTx, txStatus} from '../../src/lib/chain/tx-ops.js'
import {DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {necAbi} from '../../src/lib/contracts/generated/NEC.js'
import {DEV_ADDRESSES, DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {privateKeyToAccount} from 'viem/accounts'
import {type PrivateChain, privateChain} from '../setup/chain.js'

type Mode = 'forward-then-error' | 'forward-then-die' | 'refuse' | 'pass'

let chain: PrivateChain
let nec: Address
let proxy: http.Server
let proxyUrl: string
let mode: Mode = 'pass'
let sendsSeen = 0

/** A JSON-RPC proxy in front of anvil whose answer to eth_sendRawTransaction can lie. */
function startProxy(target: string): Promise<string> {
  proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {id: number; method: string; params: unknown}
    const isSend = body.method === 'eth_sendRawTransaction'
    if (isSend) sendsSeen++
    if (mode === 'forward-then-die' && sendsSeen > 0 && !isSend) {
      res.destroy()
      return
    }
    if (isSend && mode === 'refuse') {
      res.end(JSON.stringify({error: {code: -32000, message: 'insufficient funds for gas * price + value'}, id: body.id, jsonrpc: '2.0'}))
      return
    }
    const answer = await rpcCall(target, {method: body.method, params: body.params}).then(
      (result) => ({id: body.id, jsonrpc: '2.0', result}),
      (error: {code?: number; message: string}) => ({error: {code: error.code ?? -32603, message: error.message}, id: body.id, jsonrpc: '2.0'}),
    )
    if (isSend && mode === 'forward-then-error') {
      res.end(JSON.stringify({error: {code: -32603, message: 'upstream timed out'}, id: body.id, jsonrpc: '2.0'}))
      return
    }
    if (isSend && mode === 'forward-then-die') {
      res.destroy()
      return
    }
    res.end(JSON.stringify(answer))
  })
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)))
}

const sender = privateKeyToAccount(DEV_PRIVATE_KEYS[2])
const recipient = DEV_ADDRESSES[3]

function options(record?: SentTx[]): TransactOptions {
  return {account: sender, confirm: async () => {}, record: record ? (tx) => record.push(tx) : undefined}
}

async function balanceOf(client: ChainClient, who: Address): Promise<bigint> {
  return client.readContract({abi: necAbi, address: nec, args: [who], functionName: 'balanceOf'})
}

const transfer = (amount: bigint) => writeCall({abi: necAbi, address: nec, args: [recipient, amount], functionName: 'transfer'})

beforeAll(async () => {
  chain = await privateChain()
  nec = chain.deployment.contracts.nec as Address
  proxyUrl = await startProxy(chain.rpcUrl)
})

afterAll(async () => {
  proxy?.close()
  await chain?.stop()
})

describe('a lost acknowledgement', () => {
  it('is looked up: a transfer the RPC forwarded and then denied is reported done, once', async () => {
    mode = 'forward-then-error'
    const client = createChainClient(proxyUrl, DEVNET_CHAIN_ID, 'devnet')
    const before = await balanceOf(chain.client, recipient)
    const result = await transact(client, 'Transfer', transfer(parseEther('2')), options())
    expect(result.receipt.status).toBe('success')
    expect(await balanceOf(chain.client, recipient)).toBe(before + parseEther('2'))
    mode = 'pass'
  })

  it('says "sent, not confirmed" with the hash when the RPC dies after the send, and the transaction is mined', async () => {
    mode = 'forward-then-die'
    sendsSeen = 0
    const client = createChainClient(proxyUrl, DEVNET_CHAIN_ID, 'devnet')
    const before = await balanceOf(chain.client, recipient)
    const record: SentTx[] = []
    const error = await transact(client, 'Transfer', transfer(parseEther('3')), options(record)).catch((e: unknown) => e)
    mode = 'pass'
    expect(error).toMatchObject({code: 'TX_UNCONFIRMED'})
    const hash = record[0].hash
    expect((error as Error).message).toContain(hash)
    expect((error as {hint: string}).hint).toContain(`nectar tx status ${hash}`)
    expect(await balanceOf(chain.client, recipient)).toBe(before + parseEther('3'))
    expect((await txStatus(chain.client, hash, record)).state).toBe('success')
  })

  it('reports a refusal the node really made as an error, with nothing sent', async () => {
    mode = 'refuse'
    const client = createChainClient(proxyUrl, DEVNET_CHAIN_ID, 'devnet')
    const nonce = await chain.client.getTransactionCount({address: sender.address})
    const error = await transact(client, 'Transfer', transfer(1n), options()).catch((e: unknown) => e)
    mode = 'pass'
    expect(error).toMatchObject({code: expect.not.stringMatching(/TX_UNCONFIRMED/)})
    expect(await chain.client.getTransactionCount({address: sender.address})).toBe(nonce)
  })
})

describe('a stuck transaction', () => {
  it('is cancelled by its nonce; the original is reported replaced and never mined', async () => {
    await withManualMining(async (client) => {
    const record: SentTx[] = []
    const before = await balanceOf(client, recipient)
    const nonce = await client.getTransactionCount({address: sender.address, blockTag: 'pending'})
    const stuck = transact(client, 'Transfer', transfer(parseEther('5')), options(record)).catch((e: unknown) => e)
    await until(async () => (await client.getTransactionCount({address: sender.address, blockTag: 'pending'})) > nonce)
    const original: Hash = record[0].hash
    expect((await txStatus(client, original, record)).state).toBe('pending')

    const cancelled = replaceTx(client, {cancel: true, nonce, sent: record}, options(record))
    await until(async () => record.length === 2)
    await client.request({method: 'evm_mine', params: []} as never)
    const result = await cancelled
    expect(result.replaced).toBe(original)
    expect(result.receipt.status).toBe('success')
    expect(await stuck).toMatchObject({code: 'TX_REPLACED'})
    expect(await balanceOf(client, recipient)).toBe(before)
    expect((await txStatus(client, original, record)).state).toBe('dropped')
    })
  })

  it('is replaced with the same call at higher fees', async () => {
    await withManualMining(async (client) => {
    const record: SentTx[] = []
    const before = await balanceOf(client, recipient)
    const nonce = await client.getTransactionCount({address: sender.address, blockTag: 'pending'})
    const stuck = transact(client, 'Transfer', transfer(parseEther('7')), options(record)).catch((e: unknown) => e)
    await until(async () => record.length === 1)
    const replaced = replaceTx(client, {cancel: false, nonce, sent: record}, options(record))
    await until(async () => record.length === 2)
    await client.request({method: 'evm_mine', params: []} as never)
    const result = await replaced
    expect(result.receipt.status).toBe('success')
    const [oldTx, newTx] = await Promise.all([record[0], record[1]])
    expect(newTx.nonce).toBe(oldTx.nonce)
    expect(await balanceOf(client, recipient)).toBe(before + parseEther('7'))
    expect(await stuck).toMatchObject({code: 'TX_REPLACED'})
    })
  })

  it('refuses to replace a nonce that is already mined', async () => {
    const error = await replaceTx(chain.client, {cancel: true, nonce: 0, sent: []}, options()).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'NONCE_USED'})
  })
})

/** Runs `fn` with automine off (transactions wait in the pool until evm_mine), then turns it back on. */
async function withManualMining(fn: (client: ChainClient) => Promise<void>): Promise<void> {
  await chain.client.request({method: 'evm_setAutomine', params: [false]} as never)
  try {
    await fn(chain.client)
  } finally {
    await chain.client.request({method: 'evm_setAutomine', params: [true]} as never)
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
