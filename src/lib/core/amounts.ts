import {nectarError} from './errors.js'

/** 2^256 - 1: nothing on chain can hold more. */
export const MAX_UINT256 = (1n << 256n) - 1n

export interface ParseAmountOptions {
  /** Accept 0 (default: false). */
  allowZero?: boolean
  /** Decimals of the unit (18 for NEC, ETH and SNM). */
  decimals?: number
  /** How the value is named in errors, e.g. "amount" or "--fees". */
  label?: string
  /** Largest accepted value in base units (default 2^256-1). */
  max?: bigint
  /** Unit shown in errors, e.g. "NEC". */
  unit?: string
}

const DECIMAL = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/

/**
 * Parses a decimal string into base units exactly (never through a float). Rejects negatives, NaN,
 * exponents, empty strings, more decimals than the unit has, and values no uint256 can hold.
 */
export function parseAmount(text: string, options: ParseAmountOptions = {}): bigint {
  const {allowZero = false, decimals = 18, label = 'amount', max = MAX_UINT256, unit = ''} = options
  const raw = String(text ?? '').trim().replaceAll('_', '')
  const shown = JSON.stringify(String(text ?? ''))
  if (raw === '') throw nectarError('INVALID_AMOUNT', `The ${label} is empty.`, {hint: `Give a number such as 1.5${unit ? ' ' + unit : ''}.`})
  if (raw.startsWith('-')) throw nectarError('INVALID_AMOUNT', `The ${label} ${shown} is negative.`, {hint: 'Amounts must be zero or more.'})
  const match = DECIMAL.exec(raw)
  if (!match) {
    throw nectarError('INVALID_AMOUNT', `The ${label} ${shown} is not a decimal number.`, {
      hint: `Write it as digits with an optional decimal point, e.g. 12.5${unit ? ' ' + unit : ''} (no exponents or commas).`,
    })
  }
  const whole = match[1] ?? '0'
  const fraction = match[2] ?? match[3] ?? ''
  if (fraction.replace(/0+$/, '').length > decimals) {
    throw nectarError('TOO_MANY_DECIMALS', `The ${label} ${shown} has more than ${decimals} decimals.`, {
      hint: `${unit || 'This unit'} has ${decimals} decimals; the smallest step is 0.${'0'.repeat(Math.max(0, decimals - 1))}1.`,
    })
  }
  if (whole.length > 90) throw nectarError('AMOUNT_TOO_LARGE', `The ${label} ${shown} is absurdly large.`, {hint: 'Check the number of digits.'})
  const value = BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction.slice(0, decimals) || '0').padEnd(decimals, '0'))
  if (value > max) {
    throw nectarError('AMOUNT_TOO_LARGE', `The ${label} ${shown} is larger than any balance can be.`, {hint: 'Check the number of digits.'})
  }
  if (value === 0n && !allowZero) throw nectarError('INVALID_AMOUNT', `The ${label} must be more than 0.`, {hint: 'Give a positive amount.'})
  return value
}

/** Formats base units as an exact decimal string with no trailing zeros ("1.5", "0", "0.000000000000000001"). */
export function formatAmount(value: bigint, decimals = 18): string {
  return value < 0n ? '-' + formatDigits((-value).toString(), decimals) : formatDigits(value.toString(), decimals)
}

/** formatAmount for the decimal digits of a non-negative integer, for callers that also print the digits. */
export function formatDigits(integer: string, decimals = 18): string {
  // String slicing, not bigint division: this runs once per row on million-row files.
  const digits = integer.padStart(decimals + 1, '0')
  const cut = digits.length - decimals
  let end = digits.length
  while (end > cut && digits.charCodeAt(end - 1) === 48) end--
  return `${digits.slice(0, cut)}${end > cut ? '.' + digits.slice(cut, end) : ''}`
}

/** For people: rounded half up to `places` decimals, with ≈ when that changed the value ("≈0.42"). */
export function roundAmount(value: bigint, decimals = 18, places = 6): string {
  const step = 10n ** BigInt(Math.max(0, decimals - places))
  const rounded = ((value + step / 2n) / step) * step
  return `${rounded === value ? '' : '≈'}${formatAmount(rounded, decimals)}`
}

/** Human display: thousands separators and at most `maxDecimals` decimals, rounded down, marked with ~ when cut. */
export function displayAmount(value: bigint, decimals = 18, maxDecimals = 6): string {
  const exact = formatAmount(value, decimals)
  const [whole, fraction = ''] = exact.replace('-', '').split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cut = fraction.slice(0, maxDecimals).replace(/0+$/, '')
  const approx = fraction.length > maxDecimals && /[1-9]/.test(fraction.slice(maxDecimals)) ? '~' : ''
  return `${value < 0n ? '-' : ''}${approx}${grouped}${cut ? '.' + cut : ''}`
}

