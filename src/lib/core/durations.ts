// The one duration grammar, for every flag and file field that takes a time span: `90s`, `1h30m`,
// `1.5h`, `2d`, `1w`, `500ms` (where sub-second makes sense), or a bare number in the caller's unit.
// Parsed exactly in bigint milliseconds, so `1.5h` is 5,400,000 ms and never a float.
import {nectarError} from './errors.js'

const UNIT_MS: Record<string, bigint> = {d: 86_400_000n, h: 3_600_000n, m: 60_000n, ms: 1n, s: 1000n, w: 604_800_000n}
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)/gy
const BARE = /^(\d+(?:\.\d+)?|\.\d+)$/

export interface DurationOptions {
  /** What the value is called in errors ("--duration", "timeLimit"). */
  label?: string
  /** The unit of a bare number (default `s`). */
  bareUnit?: 'd' | 'ms' | 's'
  /** Accept 0 (a spot deal, say). */
  allowZero?: boolean
  /** Accept spans that are not whole seconds. */
  subSecond?: boolean
  /** The largest accepted span in ms. */
  maxMs?: bigint
}

export const DURATION_HINT = 'Write a duration such as 90s, 30m, 1h30m, 1.5h or 2d.'

/** A number with up to 3 decimals times `unit` ms, exactly; undefined when it is not whole ms. */
function scaled(number: string, unit: bigint): bigint | undefined {
  const [whole, fraction = ''] = number.split('.')
  const scale = 10n ** BigInt(fraction.length)
  const value = BigInt((whole || '0') + fraction) * unit
  return value % scale === 0n ? value / scale : undefined
}

/** Milliseconds from a duration string (see the grammar above); a usage error names the value and the grammar. */
export function parseDurationMs(text: number | string, options: DurationOptions = {}): bigint {
  const label = options.label ?? 'duration'
  const raw = String(text).trim().toLowerCase()
  const shown = JSON.stringify(String(text).slice(0, 200))
  const bad = (why: string) => nectarError('INVALID_DURATION', `The ${label} ${shown} ${why}.`, {hint: DURATION_HINT})
  let total: bigint | undefined
  if (BARE.test(raw)) {
    total = scaled(raw, UNIT_MS[options.bareUnit ?? 's'])
  } else if (raw !== '') {
    PART.lastIndex = 0
    total = 0n
    let at = 0
    for (let match = PART.exec(raw); match; match = PART.exec(raw)) {
      const part = scaled(match[1], UNIT_MS[match[2]])
      if (part === undefined) throw bad('is finer than a millisecond')
      total += part
      at = PART.lastIndex
      while (raw[at] === ' ') at++
      PART.lastIndex = at
    }
    if (at !== raw.length) throw bad('is not a duration')
  }
  if (total === undefined) throw bad('is not a duration')
  if (total === 0n && !options.allowZero) throw bad('must be more than 0')
  if (!options.subSecond && total % 1000n !== 0n) throw bad('is not a whole number of seconds')
  if (options.maxMs !== undefined && total > options.maxMs) throw bad(`is longer than ${formatDuration(options.maxMs / 1000n)}`)
  return total
}

/** Whole seconds from a duration string. */
export function parseDurationSeconds(text: number | string, options: Omit<DurationOptions, 'subSecond'> = {}): bigint {
  return parseDurationMs(text, {...options, subSecond: false}) / 1000n
}

/** `5400` → `1h30m`; 0 → `0s`. Sub-second remainders are shown as ms when `ms` is given instead. */
export function formatDuration(seconds: bigint | number, ms = 0n): string {
  let left = BigInt(seconds)
  const parts: string[] = []
  for (const [name, size] of [['d', 86_400n], ['h', 3600n], ['m', 60n], ['s', 1n]] as const) {
    if (left >= size) {
      parts.push(`${left / size}${name}`)
      left %= size
    }
  }
  if (ms > 0n) parts.push(`${ms}ms`)
  return parts.join('') || '0s'
}

