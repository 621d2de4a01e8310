import {createHash} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import path from 'node:path'
import {type Hex, type LocalAccount, keccak256} from 'viem'

import {nectarError} from '../core/errors.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {type ChainClient} from './client.js'
import {Journal, type JournalRecord, now} from './journal.js'
import {mapLimit} from './map-limit.js'
import {acquireRunLock} from './run-lock.js'
import {callData, chooseFees, type WriteCall} from './transact.js'

/** A write with a stable identity in the input (e.g. "row:12:0xabc…"); the journal is keyed by it. */
export type BatchCall = WriteCall & {key: string}

export interface BatchSummary {
  /** Items whose transaction already succeeded in an earlier run. */
  alreadyDone: number
  journal: string
  /** Signed in an earlier run and not yet mined: sent again as the same transaction. */
  pending: number
  toSend: number
  totalGas: bigint
  /** The node's gas price now (wei), for what the gas costs in ETH. */
  gasPrice: bigint
}

/** What a batch will do, for the confirmation: `action` and `details` are shown, then `question` is asked. */
export interface BatchPreview {
  action: string
  details: Array<[string, string]>
  question: string
  summary: BatchSummary
}

/** A progress bar (drawn by the caller, or nothing): `tick` per step done, `done` at the end. */
export interface ProgressBar {
  done(message?: string): void
  tick(count?: number): void
}

/**
 * What a batched action needs from its caller, like TransactOptions for one transaction: the signer,
 * the confirmation, and optionally a progress bar and a place for warnings. A batch sets its own
 * nonces and fees, so there are no transaction overrides.
 */
export interface BatchSendOptions {
  account: LocalAccount
  /** Called once with the preview, before anything new is signed; must throw to stop. */
  confirm: (preview: BatchPreview) => Promise<void>
  progress?: (label: string, total: number) => ProgressBar
  /** Wait for another run of the same input instead of refusing (--wait). */
  wait?: boolean
  warn?: (message: string) => void
}

export interface BatchOptions {
  account: LocalAccount
  client: ChainClient
  /** Called once before anything new is signed; throws to stop. Not called when there is nothing new to send. */
  confirm: (summary: BatchSummary) => Promise<void>
  /** What the batch is ("whitelist-add"), and a hash of its normalised input: the same input resumes the same journal. */
  inputHash: string
  journalDir: string
  kind: string
  onConfirmed?: (key: string) => void
  /** When another run holds this journal's lock: wait for it (true) or refuse naming its pid. */
  wait?: boolean
  /** Transactions broadcast before waiting for their receipts. */
  window?: number
}

export interface BatchOutcome {
  block: bigint
  hash: Hex
  key: string
  status: 'reverted' | 'success'
}

export interface BatchResult {
  journal: string
  outcomes: BatchOutcome[]
  /** Items found done in the journal from an earlier run. */
  resumed: number
  /** Transactions this run broadcast (new or re-broadcast). */
  sent: number
}

export function hashInput(parts: readonly string[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p).update('\n')
  return h.digest('hex')
}

export function journalPath(journalDir: string, kind: string, chainId: number, inputHash: string): string {
  return path.join(journalDir, `${kind}-${chainId}-${inputHash.slice(0, 16)}.jsonl`)
}

interface KeyState {
  intent?: Extract<JournalRecord, {type: 'intent'}>
  outcome?: Extract<JournalRecord, {type: 'outcome'}>
}

/**
 * Sends many contract calls with explicit nonces, pipelined, under an append-only journal:
 * every transaction is signed and journaled (fsync) before it is broadcast. A re-run with the same
 * input reads the journal, settles what earlier runs signed (mined, still pending: sent again as the
 * very same transaction, or dropped because its nonce went to another transaction), and sends only
 * what never landed. So a run killed at any point, even by SIGKILL, never sends an item twice and
 * never skips one.
 */
export async function runJournaledBatch(options: BatchOptions, calls: readonly BatchCall[]): Promise<BatchResult> {
  const {account, client} = options
  const chainId = client.chain!.id
  const file = journalPath(options.journalDir, options.kind, chainId, options.inputHash)
  mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
  const lock = await acquireRunLock(`${file}.lock`, {wait: options.wait, what: `${options.kind} with this input`})
  const journal = new Journal(file)
  try {
    const records = journal.read()
    const header = records.find((r) => r.type === 'header')
    if (header && header.from.toLowerCase() !== account.address.toLowerCase()) {
      throw nectarError('JOURNAL_OTHER_ACCOUNT', `The journal ${file} belongs to ${header.from}, not ${account.address}.`, {
        hint: `Resume with --account ${header.from}.`,
      })
    }
    const state = new Map<string, KeyState>()
    for (const r of records) {
      if (r.type === 'intent') state.set(r.key, {...state.get(r.key), intent: r, outcome: undefined})
      else if (r.type === 'outcome') state.set(r.key, {...state.get(r.key), outcome: r})
      else if (r.type === 'dropped') state.set(r.key, {})
    }

    const outcomes = new Map<string, BatchOutcome>()
    let resumed = 0
    for (const [key, s] of state) {
      if (s.outcome?.status === 'success') {
        outcomes.set(key, {block: BigInt(s.outcome.block), hash: s.outcome.hash, key, status: 'success'})
        resumed++
      }
    }

    // Settle what earlier runs signed but did not see mined.
    const open = [...state.values()].filter((s) => s.intent && !s.outcome).map((s) => s.intent!).sort((a, b) => a.nonce - b.nonce)
    const rebroadcast: Array<Extract<JournalRecord, {type: 'intent'}>> = []
    if (open.length > 0) {
      const minedNonce = await client.getTransactionCount({address: account.address, blockTag: 'latest'})
      for (const intent of open) {
        const receipt = await client.getTransactionReceipt({hash: intent.hash}).catch(() => undefined)
        if (receipt) {
          const outcome = {at: now(), block: receipt.blockNumber.toString(), hash: intent.hash, key: intent.key, status: receipt.status, type: 'outcome'} as const
          journal.append(outcome)
          if (receipt.status === 'success') {
            outcomes.set(intent.key, {block: receipt.blockNumber, hash: intent.hash, key: intent.key, status: 'success'})
            resumed++
          }
        } else if (intent.nonce < minedNonce) {
          // Its nonce was used by another transaction, so this one can never be mined: send the item anew.
          journal.append({at: now(), hash: intent.hash, key: intent.key, nonce: intent.nonce, type: 'dropped'})
        } else rebroadcast.push(intent)
      }
    }
    const waiting = new Set(rebroadcast.map((r) => r.key))
    const toSend = calls.filter((c) => !outcomes.has(c.key) && !waiting.has(c.key))

    // Simulate everything new before anything new is signed: one bad item stops the whole run.
    const gases = await mapLimit(toSend, 16, async (call) => {
      try {
        return await client.estimateGas({account: account.address, data: callData(call), to: call.address, value: call.value})
      } catch (error) {
        const reason = toNectarError(error)
        throw nectarError('BATCH_ITEM_FAILS', `Item ${call.key} would fail: ${reason.message}`, {
          hint: 'Nothing new was sent. Fix that item and run the same command again; finished items are not repeated.',
        })
      }
    })
    const totalGas = gases.reduce((a, b) => a + b, 0n)
    if (toSend.length > 0) {
      const gasPrice = await client.getGasPrice()
      await options.confirm({alreadyDone: outcomes.size, gasPrice, journal: file, pending: rebroadcast.length, toSend: toSend.length, totalGas})
    }
    if (!header) {
      journal.append({at: now(), chainId, contract: calls[0]?.address ?? '', from: account.address, inputHash: options.inputHash, items: calls.length, kind: options.kind, type: 'header'})
    }

    let sent = 0
    const inFlight = new Map<Hex, string>()
    // Re-broadcast the very same signed transactions first, in nonce order.
    for (const intent of rebroadcast) {
      await broadcast(client, intent.raw)
      inFlight.set(intent.hash, intent.key)
      sent++
    }
    await settle(client, journal, inFlight, outcomes, options.onConfirmed)

    if (toSend.length > 0) {
      const fees = await chooseFees(client)
      // Generous cap so a fee rise mid-batch does not strand signed transactions; unused fee is not paid.
      const feeFields = fees.gasPrice === undefined
        ? {maxFeePerGas: fees.maxFeePerGas! * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas, type: 'eip1559' as const}
        : {gasPrice: fees.gasPrice, type: 'legacy' as const}
      let nonce = await client.getTransactionCount({address: account.address, blockTag: 'pending'})
      const window = options.window ?? 64
      for (let i = 0; i < toSend.length; i += window) {
        const chunk = toSend.slice(i, i + window)
        const signed = await Promise.all(chunk.map(async (call, j) => {
          const raw = await account.signTransaction({
            chainId,
            data: callData(call),
            gas: (gases[i + j] * 12n) / 10n + 10_000n,
            nonce: nonce + j,
            to: call.address,
            value: call.value,
            ...feeFields,
          })
          return {at: now(), hash: keccak256(raw), key: call.key, nonce: nonce + j, raw, type: 'intent'} as const
        }))
        nonce += chunk.length
        journal.append(...signed)
        for (const intent of signed) {
          await broadcast(client, intent.raw)
          inFlight.set(intent.hash, intent.key)
          sent++
        }
        await settle(client, journal, inFlight, outcomes, options.onConfirmed)
      }
    }
    journal.append({at: now(), type: 'complete'})
    const ordered = calls.map((c) => outcomes.get(c.key)).filter((o): o is BatchOutcome => Boolean(o))
    return {journal: file, outcomes: ordered, resumed, sent}
  } finally {
    journal.close()
    lock.release()
  }
}


async function broadcast(client: ChainClient, raw: Hex): Promise<void> {
  try {
    await client.request({method: 'eth_sendRawTransaction', params: [raw]} as never)
  } catch (error) {
    // Sent before (the node already has it, or already mined it): the journal and receipts decide.
    const text = String((error as Error).message ?? error).toLowerCase()
    if (text.includes('already') || text.includes('nonce too low') || text.includes('known')) return
    throw toNectarError(error)
  }
}

/** Waits for receipts of everything in flight and journals each outcome. */
async function settle(
  client: ChainClient,
  journal: Journal,
  inFlight: Map<Hex, string>,
  outcomes: Map<string, BatchOutcome>,
  onConfirmed?: (key: string) => void,
): Promise<void> {
  const deadline = Date.now() + 10 * 60_000
  let delay = 20
  while (inFlight.size > 0) {
    const hashes = [...inFlight.keys()]
    const receipts = await mapLimit(hashes, 16, (hash) => client.getTransactionReceipt({hash}).catch(() => undefined))
    const records: JournalRecord[] = []
    receipts.forEach((receipt, i) => {
      if (!receipt) return
      const hash = hashes[i]
      const key = inFlight.get(hash)!
      inFlight.delete(hash)
      records.push({at: now(), block: receipt.blockNumber.toString(), hash, key, status: receipt.status, type: 'outcome'})
      outcomes.set(key, {block: receipt.blockNumber, hash, key, status: receipt.status})
      onConfirmed?.(key)
    })
    journal.append(...records)
    if (inFlight.size === 0) break
    if (Date.now() > deadline) {
      throw nectarError('BATCH_STALLED', `${inFlight.size} transactions were not mined within 10 minutes.`, {
        hint: 'Run the same command again later: it resumes from the journal and sends nothing twice.',
      })
    }
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, 1000)
  }
  const failed = [...outcomes.values()].filter((o) => o.status === 'reverted')
  if (failed.length > 0) {
    throw nectarError('BATCH_ITEM_REVERTED', `${failed.length} transaction(s) reverted on chain, e.g. ${failed[0].key} in ${failed[0].hash}.`, {
      hint: 'Run the same command again: items that succeeded are not repeated, and failing ones are checked before sending.',
    })
  }
}
