// Every transaction the pipeline signs is recorded here (fsynced) before it is sent, per chain, so a
// lost answer can be looked up later and a stuck transaction replaced with the same content:
// `nectar tx status|wait|replace|cancel`.
import path from 'node:path'

import {type Address, type Hash, type Hex} from 'viem'

import {Journal} from './journal.js'

export interface SentTx {
  action: string
  at: string
  chainId: number
  from: Address
  hash: Hash
  nonce: number
  raw: Hex
}

export function sentLogPath(dataDir: string, chainId: number): string {
  return path.join(dataDir, 'transactions', `${chainId}.jsonl`)
}

export function recordSent(dataDir: string, tx: SentTx): void {
  const journal = new Journal<SentTx>(sentLogPath(dataDir, tx.chainId))
  try {
    journal.append(tx)
  } finally {
    journal.close()
  }
}

/** The account's recorded transactions on a chain, oldest first. */
export function readSent(dataDir: string, chainId: number, from?: Address): SentTx[] {
  const all = new Journal<SentTx>(sentLogPath(dataDir, chainId)).read()
  return from ? all.filter((tx) => tx.from.toLowerCase() === from.toLowerCase()) : all
}
