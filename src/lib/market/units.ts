// Human units for the market, parsed exactly (decimal strings to bigint, never through a float) and
// formatted back. Sizes are bytes, rates bits/s, durations seconds, prices USD per second x 1e18 (the
// Market's unit, `price` in SONM's Order).
import {formatAmount, roundAmount, parseAmount} from '../core/amounts.js'
import {formatDuration} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {calculatePayment, HOUR, WAD} from './billing.js'

const SIZE_UNITS: Record<string, bigint> = {
  b: 1n,
  gb: 10n ** 9n,
  gib: 1n << 30n,
  kb: 10n ** 3n,
  kib: 1n << 10n,
  mb: 10n ** 6n,
  mib: 1n << 20n,
  tb: 10n ** 12n,
  tib: 1n << 40n,
}

const RATE_UNITS: Record<string, bigint> = {
  'bit/s': 1n,
  bps: 1n,
  'gbit/s': 10n ** 9n,
  gbps: 10n ** 9n,
  'kbit/s': 10n ** 3n,
  kbps: 10n ** 3n,
  'mbit/s': 10n ** 6n,
  mbps: 10n ** 6n,
}


const NUMBER_UNIT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z/]*)\s*$/

function scaled(text: string, label: string, multiplier: bigint, what: string): bigint {
  const match = NUMBER_UNIT.exec(text)
  if (!match) throw nectarError('INVALID_UNIT', `The ${label} ${JSON.stringify(text)} is not a ${what}.`, {hint: hintFor(what)})
  const value = parseAmount(match[1], {allowZero: true, decimals: 18, label})
  const exact = value * multiplier
  if (exact % WAD !== 0n) {
    throw nectarError('INVALID_UNIT', `The ${label} ${JSON.stringify(text)} is not a whole number of ${what === 'size' ? 'bytes' : what === 'bitrate' ? 'bits/s' : 'seconds'}.`, {hint: hintFor(what)})
  }
  return exact / WAD
}

function hintFor(what: string): string {
  switch (what) {
    case 'bitrate':
      return 'Write a rate such as 100Mbit/s, 1Gbit/s or 500kbit/s.'
    default:
      return 'Write a size such as 8GiB, 512MiB, 100GB or 1TiB.'
  }
}

/** "8GiB", "512 MiB", "100GB", "1.5TiB", "1024" (bytes) -> bytes. */
export function parseSize(text: string, label = 'size'): bigint {
  const match = NUMBER_UNIT.exec(String(text))
  const unit = (match?.[2] ?? '').toLowerCase()
  const multiplier = unit === '' ? 1n : SIZE_UNITS[unit]
  if (!match || multiplier === undefined) throw nectarError('INVALID_UNIT', `The ${label} ${JSON.stringify(text)} is not a size.`, {hint: hintFor('size')})
  return scaled(String(text), label, multiplier, 'size')
}

/** "100Mbit/s", "1Gbit/s", "100mbps" -> bits/s. */
export function parseBitrate(text: string, label = 'bitrate'): bigint {
  const match = NUMBER_UNIT.exec(String(text))
  const unit = (match?.[2] ?? '').toLowerCase()
  const multiplier = unit === '' ? 1n : RATE_UNITS[unit]
  if (!match || multiplier === undefined) throw nectarError('INVALID_UNIT', `The ${label} ${JSON.stringify(text)} is not a bitrate.`, {hint: hintFor('bitrate')})
  return scaled(String(text), label, multiplier, 'bitrate')
}

export type PriceUnit = 'snm/h' | 'snm/s' | 'usd/h' | 'usd/s'

export interface ParsedPrice {
  /** USD per second x 1e18 (rounded down when the input does not divide exactly). */
  price: bigint
  unit: PriceUnit
  /** The number as written, in 1e18 units of the unit. */
  value: bigint
}

/**
 * "0.5usd/h", "0.0001 USD/s", "3snm/h" -> USD/s x 1e18. USD/h divides by 3600 and SNM needs the oracle
 * rate (SNM per USD x 1e18): both round down, as SONM's node did, so an ask placed with a price and a
 * ceiling written the same way compare equal.
 */
export function parsePrice(text: string, rate?: bigint, label = 'price'): ParsedPrice {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(usd|snm)\s*\/\s*(h|s|hour|sec)\s*$/i.exec(String(text))
  if (!match) {
    throw nectarError('INVALID_PRICE', `The ${label} ${JSON.stringify(String(text))} is not a price.`, {
      hint: 'Write a price such as 0.5usd/h, 0.0001usd/s or 3snm/h.',
    })
  }
  const value = parseAmount(match[1], {allowZero: true, decimals: 18, label})
  const currency = match[2].toLowerCase()
  const per = match[3].toLowerCase().startsWith('h') ? 'h' : 's'
  const unit = `${currency}/${per}` as PriceUnit
  let usdPerSecondWad = value // value is already x1e18
  if (currency === 'snm') {
    if (rate === undefined || rate === 0n) throw nectarError('NO_RATE', `The ${label} is in SNM, which needs the oracle rate.`, {hint: 'Give the price in usd/h or usd/s.'})
    usdPerSecondWad = (value * WAD) / rate
    if (per === 'h') usdPerSecondWad = (value * WAD) / (rate * HOUR)
    return {price: usdPerSecondWad, unit, value}
  }
  if (per === 'h') usdPerSecondWad = value / HOUR
  return {price: usdPerSecondWad, unit, value}
}

/** USD per hour for a price in USD/s x 1e18, exact decimal string. */
export function usdPerHour(price: bigint): string {
  return formatAmount(price * HOUR)
}

/** USD per hour for people: rounded to 6 decimals (an on-chain USD/s price rarely maps back to a round USD/h). */
export function usdPerHourText(price: bigint): string {
  return roundAmount(price * HOUR)
}

/** SNM per hour at the oracle rate for people, rounded to 6 decimals. */
export function snmPerHourText(price: bigint, rate: bigint): string {
  return roundAmount(calculatePayment(price, HOUR, rate))
}

/** SNM per hour at the oracle rate, exact decimal string (what Bill pays for one hour). */
export function snmPerHour(price: bigint, rate: bigint): string {
  return formatAmount(calculatePayment(price, HOUR, rate))
}

/** 8589934592 -> "8 GiB"; decimals trimmed to 2. */
export function formatSize(bytes: bigint): string {
  const units: Array<[string, bigint]> = [['TiB', 1n << 40n], ['GiB', 1n << 30n], ['MiB', 1n << 20n], ['KiB', 1n << 10n]]
  for (const [name, size] of units) if (bytes >= size) return `${trim2(bytes, size)} ${name}`
  return `${bytes} B`
}

export function formatBitrate(bits: bigint): string {
  const units: Array<[string, bigint]> = [['Gbit/s', 10n ** 9n], ['Mbit/s', 10n ** 6n], ['kbit/s', 10n ** 3n]]
  for (const [name, size] of units) if (bits >= size) return `${trim2(bits, size)} ${name}`
  return `${bits} bit/s`
}

/** A deal's duration for people: 0 is a spot deal. */
export function formatDealDuration(seconds: bigint): string {
  return seconds === 0n ? 'spot' : formatDuration(seconds)
}

function trim2(value: bigint, unit: bigint): string {
  const hundredths = (value * 100n) / unit
  const whole = hundredths / 100n
  const frac = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}
