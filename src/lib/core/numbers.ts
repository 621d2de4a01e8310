import {parseAmount} from './amounts.js'
import {nectarError} from './errors.js'

/** A whole number in [min, max], or a usage error naming the flag and the value. */
export function parseCount(text: string, {label, max, min}: {label: string; max: number; min: number}): number {
  const raw = String(text ?? '').trim()
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw nectarError('INVALID_NUMBER', `${label} ${JSON.stringify(String(text ?? ''))} is not a whole number from ${min} to ${max}.`, {hint: `Give ${label} a whole number from ${min} to ${max}.`})
  }
  return Number(raw)
}

/**
 * A percentage as a fixed-point bigint with 18 decimals (2.5 → 2.5e18), parsed exactly.
 * `min`/`max` are in percent; `signed` accepts a leading minus.
 */
export function parsePercent(text: string, {label, max, min = 0, signed = false}: {label: string; max?: number; min?: number; signed?: boolean}): bigint {
  const raw = String(text ?? '').trim()
  const negative = signed && raw.startsWith('-')
  const magnitude = parseAmount(negative ? raw.slice(1) : raw, {allowZero: true, label: `${label} value`, unit: '%'})
  const value = negative ? -magnitude : magnitude
  const scale = 10n ** 18n
  const range = `${min}${max === undefined ? ' or more' : ` to ${max}`}`
  if (value < BigInt(min) * scale || (max !== undefined && value > BigInt(max) * scale)) {
    throw nectarError('OUT_OF_RANGE', `${label} ${JSON.stringify(raw)} is out of range: it must be ${range} percent.`, {hint: `Give ${label} a percentage from ${range}.`})
  }
  return value
}

/** A block number (decimal digits), or a usage error naming the flag and the value. */
export function parseBlockNumber(text: string, label: string): bigint {
  if (!/^\d{1,15}$/.test(text)) throw nectarError('INVALID_BLOCK', `${label} ${JSON.stringify(text)} is not a block number.`, {hint: 'Give a block number such as 1200.'})
  return BigInt(text)
}
