// Deal and order ids as typed on the command line: sequential numbers from 1.
import {nectarError} from '../core/errors.js'

export function parseDealId(text: string): bigint {
  if (!/^\d{1,30}$/.test(text) || BigInt(text) === 0n) throw nectarError('INVALID_DEAL_ID', `Deal id ${JSON.stringify(text)} is not a deal number.`, {hint: 'Give the deal number, e.g. 12 (see `nectar compute deals`).'})
  return BigInt(text)
}

/** An order (offer) id; `hint` names where the user finds one. */
export function parseOrderId(text: string, hint: string): bigint {
  if (!/^\d{1,30}$/.test(text)) throw nectarError('INVALID_ORDER_ID', `The offer id ${JSON.stringify(text)} is not a number.`, {hint})
  return BigInt(text)
}
