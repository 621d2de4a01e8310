// One period's distribution: the v2 issuance for the period's fees split over makers by volume, exact
// to the wei (largest remainder), read and written as streams so a 1,000,000-row file never sits in
// memory as text. Per maker only the merged volume (bigint) and one float per split are kept.
// Nothing here imports viem: addresses are checked with a regex, and mixed-case ones against their
// EIP-55 checksum (viem, loaded only when such an address is seen).
import {once} from 'node:events'
import {createReadStream, createWriteStream} from 'node:fs'
import {createInterface} from 'node:readline'

import {formatAmount, formatDigits, parseAmount} from '../core/amounts.js'
import {checkInputFile} from '../core/files.js'
import {NectarError, nectarError} from '../core/errors.js'
import {INITIAL_SUPPLY, issuanceV2} from './curve.js'

export const ALLOCATIONS_MAGIC = '# nectar-allocations v1'
export const ALLOCATIONS_HEADER = 'address,volume,tokens,tokensWei,pledgedWei'

// ---------------------------------------------------------------- largest remainder

/**
 * Splits `total` over `weights` (sum `weightSum` > 0): each gets floor(total × w / W), and the
 * remainder, fewer than n units, goes one unit each to the largest fractional parts, ties broken by
 * `keys` ascending. Returns a 0/1 bonus per index; share(i) = total × w[i] / W + bonus[i].
 */
export function remainderBonus(total: bigint, weights: readonly bigint[], weightSum: bigint, keys: readonly string[]): Uint8Array {
  const n = weights.length
  const bonus = new Uint8Array(n)
  if (n === 0 || total === 0n) return bonus
  // rem(i) = total·w[i] mod W. The floors sum to total − Σrem/W, so k = Σrem/W units are left over,
  // and no division per maker is needed. Each fraction is kept only as the float key rem/W: rounding
  // is monotonic, so a larger key always means a larger exact fraction; only keys equal to the cut-off
  // can hide an order, and those few are recomputed and compared exactly below.
  const rem = (i: number) => (total * weights[i]) % weightSum
  const W = Number(weightSum)
  const frac = new Float64Array(n)
  let remSum = 0n
  for (let i = 0; i < n; i++) {
    const r = rem(i)
    remSum += r
    frac[i] = Number(r) / W
  }
  const k = Number(remSum / weightSum)
  if (k === 0) return bonus
  const sorted = Float64Array.from(frac).sort()
  const cut = sorted[n - k]
  let given = 0
  const tied: number[] = []
  for (let i = 0; i < n; i++) {
    if (frac[i] > cut) {
      bonus[i] = 1
      given++
    } else if (frac[i] === cut) tied.push(i)
  }
  const exact = tied.map((i) => ({i, r: rem(i)}))
  exact.sort((a, b) => (a.r === b.r ? (keys[a.i] < keys[b.i] ? -1 : keys[a.i] > keys[b.i] ? 1 : 0) : a.r > b.r ? -1 : 1))
  for (let j = 0; j < k - given; j++) bonus[exact[j].i] = 1
  return bonus
}

/** Convenience for small inputs and tests: the exact shares themselves. */
export function largestRemainder(total: bigint, weights: readonly bigint[], keys: readonly string[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n)
  if (sum === 0n) return weights.map(() => 0n)
  const bonus = remainderBonus(total, weights, sum, keys)
  return weights.map((w, i) => (total * w) / sum + BigInt(bonus[i]))
}

// ---------------------------------------------------------------- addresses without viem

const HEX40 = /^0x[0-9a-fA-F]{40}$/
let isChecksummed: ((address: string) => boolean) | undefined

async function checksumOk(address: string): Promise<boolean> {
  if (!isChecksummed) {
    const {isAddress} = await import('../core/addresses.js') // not all of viem's index
    isChecksummed = (a) => isAddress(a, {strict: true})
  }
  return isChecksummed(address)
}

/** The lowercase form of a valid, non-zero address, or a usage error naming the line. */
async function parseLineAddress(text: string, line: number, file: string): Promise<string> {
  const fast = fastAddress(text)
  if (fast !== undefined) return fast
  if (!HEX40.test(text)) throw badLine(file, line, `${JSON.stringify(text)} is not an address`, 'An address is 0x followed by 40 hex digits.')
  const body = text.slice(2)
  const lower = body.toLowerCase()
  if (body !== lower && body !== body.toUpperCase() && !(await checksumOk(text))) {
    throw badLine(file, line, `${text} has a bad EIP-55 checksum`, `Check it for typos; if it is right, write it all in lower case (0x${lower}).`)
  }
  if (/^0+$/.test(lower)) throw badLine(file, line, 'the address is the zero address', 'Tokens minted there are lost; give the maker’s address.')
  return '0x' + lower
}

const LOWER40 = /^0x[0-9a-f]{40}$/
/** Lower-case, non-zero addresses need no checksum and no await (the common case in big files). */
function fastAddress(text: string): string | undefined {
  return LOWER40.test(text) && text !== '0x0000000000000000000000000000000000000000' ? text : undefined
}

function badLine(file: string, line: number, what: string, hint: string): NectarError {
  return nectarError('BAD_ROW', `${file} line ${line}: ${what}; nothing was written.`, {hint})
}

// ---------------------------------------------------------------- reading volumes

const ZEROS = '0'.repeat(18)

/**
 * The volume of a row of the common shape, "0x" + 40 lower-case hex digits (not all zero) + "," +
 * digits with at most 18 decimals (an optional "\r" at the end), read from text[start, end) without
 * slicing the row; undefined for any other row, which then takes the general path with its errors.
 */
function plainRowVolume(text: string, start: number, end: number): bigint | undefined {
  if (text.charCodeAt(end - 1) === 13) end--
  if (end - start < 44 || text.charCodeAt(start) !== 48 || text.charCodeAt(start + 1) !== 120 || text.charCodeAt(start + 42) !== 44) return undefined
  let nonZero = false
  for (let i = start + 2; i < start + 42; i++) {
    const c = text.charCodeAt(i)
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined
    if (c !== 48) nonZero = true
  }
  if (!nonZero) return undefined
  let dot = -1
  for (let i = start + 43; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 46 && dot < 0) dot = i
    else if (c < 48 || c > 57) return undefined
  }
  const wholeLength = (dot < 0 ? end : dot) - (start + 43)
  const decimals = dot < 0 ? 0 : end - dot - 1
  if (wholeLength < 1 || wholeLength > 30 || (dot >= 0 && (decimals < 1 || decimals > 18))) return undefined
  return BigInt(dot < 0 ? text.slice(start + 43, end) + ZEROS : text.slice(start + 43, dot) + text.slice(dot + 1, end) + ZEROS.slice(decimals))
}

export interface MakerVolumes {
  /** Lowercase addresses in first-seen order. */
  addresses: string[]
  /** Addresses that appeared more than once (merged), first few. */
  duplicateExamples: string[]
  /** Rows merged into an earlier row of the same address. */
  duplicates: number
  rows: number
  total: bigint
  /** Volume per maker, base units with 18 decimals. */
  volumes: bigint[]
}

/**
 * Streams `address,volume` rows (header optional; blank lines and # comments skipped) and merges
 * duplicates. The first bad row stops the read with a usage error naming its line.
 */
export async function readVolumes(file: string): Promise<MakerVolumes> {
  checkInputFile(file, {label: 'the volumes file'})
  const input = createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})
  const index = new Map<string, number>()
  const addresses: string[] = []
  const volumes: bigint[] = []
  const duplicateExamples: string[] = []
  let duplicates = 0
  let rows = 0
  let total = 0n
  let lineNo = 0
  let seenData = false
  const handle = (raw: string): Promise<void> | undefined => {
    lineNo++
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const comma = line.indexOf(',')
    const first = (comma < 0 ? line : line.slice(0, comma)).trim()
    if (!seenData && /^address$/i.test(first)) {
      seenData = true
      return
    }
    seenData = true
    if (comma < 0) throw badLine(file, lineNo, 'expected "address,volume"', 'Each row is an address, a comma, and the maker’s volume.')
    const rest = line.slice(comma + 1).trim()
    if (rest.includes(',')) throw badLine(file, lineNo, 'expected two fields, "address,volume"', 'Remove the extra columns.')
    const fast = fastAddress(first)
    if (fast === undefined) {
      const at = lineNo
      return parseLineAddress(first, at, file).then((address) => add(address, rest, at))
    }
    add(fast, rest, lineNo)
  }
  const add = (address: string, rest: bigint | string, lineNo: number) => {
    let volume: bigint
    try {
      volume = typeof rest === 'bigint' ? rest : parseAmount(rest, {allowZero: true, label: 'volume'})
    } catch (error) {
      throw badLine(file, lineNo, (error as NectarError).message.replace(/\.$/, ''), (error as NectarError).hint ?? 'Give the volume as a decimal number.')
    }
    rows++
    total += volume
    const at = index.get(address)
    if (at === undefined) {
      index.set(address, addresses.length)
      addresses.push(address)
      volumes.push(volume)
    } else {
      volumes[at] += volume
      duplicates++
      if (duplicateExamples.length < 5 && !duplicateExamples.includes(address)) duplicateExamples.push(address)
    }
  }
  // Chunks of 1 MiB split into lines by hand: one await per chunk, not per line (readline's async
  // iterator costs several microseconds a line). Only the last partial line is carried over.
  let tail = ''
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const text = tail + chunk
      let start = 0
      for (let nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
        // The common row ("0x<40 lower hex>,<digits>[.<digits>]") is taken straight from the chunk,
        // allocating only the address and the volume; anything else goes through handle().
        const volume = seenData ? plainRowVolume(text, start, nl) : undefined
        if (volume === undefined) {
          const p = handle(text.slice(start, nl))
          if (p) await p
        } else {
          lineNo++
          add(text.slice(start, start + 42), volume, lineNo)
        }
      }
      tail = text.slice(start)
    }
    if (tail !== '') await handle(tail)
  } finally {
    input.destroy()
  }
  return {addresses, duplicateExamples, duplicates, rows, total, volumes}
}

// ---------------------------------------------------------------- the distribution

export interface DistributeOptions {
  /** Maker fees of the period, ETH wei: the NEC total is their v2 issuance. */
  fees: bigint
  initialSupply?: bigint
  /** Total pledged fees to record, ETH wei, split like the tokens. */
  pledged: bigint
  /** Supply at the window's snapshot, NEC wei. */
  supply: bigint
}

export interface AllocationMeta {
  fees: bigint
  initialSupply: bigint
  makers: number
  pledged: bigint
  supply: bigint
  total: bigint
  volume: bigint
}

export interface Distribution extends AllocationMeta {
  duplicateExamples: string[]
  duplicates: number
  rows: number
  tokenBonus: Uint8Array
  pledgedBonus: Uint8Array
  volumes: MakerVolumes
}

export function distribute(volumes: MakerVolumes, {fees, initialSupply = INITIAL_SUPPLY, pledged, supply}: DistributeOptions): Distribution {
  if (volumes.addresses.length === 0) throw nectarError('NO_MAKERS', 'The volumes file has no rows.', {hint: 'Give one "address,volume" row per maker.'})
  if (volumes.total === 0n) throw nectarError('ZERO_VOLUME', 'Every maker’s volume is 0, so there is nothing to split by.', {hint: 'Check the volume column.'})
  const total = issuanceV2(fees, supply, initialSupply)
  return {
    duplicateExamples: volumes.duplicateExamples,
    duplicates: volumes.duplicates,
    fees,
    initialSupply,
    makers: volumes.addresses.length,
    pledged,
    pledgedBonus: remainderBonus(pledged, volumes.volumes, volumes.total, volumes.addresses),
    rows: volumes.rows,
    supply,
    tokenBonus: remainderBonus(total, volumes.volumes, volumes.total, volumes.addresses),
    total,
    volume: volumes.total,
    volumes,
  }
}

export function metaLine(meta: AllocationMeta): string {
  return `${ALLOCATIONS_MAGIC} total=${meta.total} pledged=${meta.pledged} makers=${meta.makers} fees=${meta.fees} supply=${meta.supply} initialSupply=${meta.initialSupply} volume=${meta.volume}`
}

/** Every allocation row in order, as `[address, volumeWei, tokensWei, pledgedWei]`. */
export function* allocationRows(d: Distribution): Generator<[string, bigint, bigint, bigint]> {
  const {addresses, total: vTotal, volumes} = d.volumes
  for (let i = 0; i < addresses.length; i++) {
    const v = volumes[i]
    yield [addresses[i], v, (d.total * v) / vTotal + BigInt(d.tokenBonus[i]), (d.pledged * v) / vTotal + BigInt(d.pledgedBonus[i])]
  }
}

/** Writes the allocations CSV (metadata comment, header, one row per maker) as a stream. */
export async function writeAllocations(file: string, d: Distribution): Promise<void> {
  const out = createWriteStream(file, {encoding: 'utf8'})
  const failed = new Promise<never>((_, reject) => out.once('error', reject))
  failed.catch(() => {})
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed])
  }
  try {
    await write(`${metaLine(d)}\n${ALLOCATIONS_HEADER}\n`)
    let chunk: string[] = []
    for (const [address, volume, tokens, pledged] of allocationRows(d)) {
      const tokenDigits = tokens.toString()
      chunk.push(`${address},${formatAmount(volume)},${formatDigits(tokenDigits)},${tokenDigits},${pledged}`)
      if (chunk.length === 8192) {
        await write(chunk.join('\n') + '\n')
        chunk = []
      }
    }
    if (chunk.length > 0) await write(chunk.join('\n') + '\n')
    out.end()
    await Promise.race([once(out, 'finish'), failed])
  } catch (error) {
    out.destroy()
    throw nectarError('WRITE_FAILED', `Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {hint: 'Check the directory exists and is writable.'})
  }
}

// ---------------------------------------------------------------- reading allocations back (issue)

export interface AllocationRow {
  address: string
  line: number
  pledgedWei: bigint
  tokensWei: bigint
}

export interface Allocations {
  /** The file they were read from. */
  file: string
  meta: AllocationMeta
  rows: AllocationRow[]
}

const META_FIELDS = ['total', 'pledged', 'makers', 'fees', 'supply', 'initialSupply', 'volume'] as const

/**
 * Reads an allocations file written by `rewards distribute` and checks it against its own metadata
 * line: row count, token and pledge sums, and that the total is the v2 issuance for its fees at its
 * supply. Anything off is a usage error naming the line or the total; nothing is sent.
 */
export async function readAllocations(file: string): Promise<Allocations> {
  checkInputFile(file, {label: 'the allocations file'})
  const input = createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})
  const lines = createInterface({crlfDelay: Infinity, input})
  const fix = 'Write the file again with `nectar rewards distribute`; do not edit it by hand.'
  let meta: AllocationMeta | undefined
  let headerSeen = false
  const rows: AllocationRow[] = []
  const seen = new Set<string>()
  let lineNo = 0
  try {
    for await (const raw of lines) {
      lineNo++
      const line = raw.trim()
      if (line === '') continue
      if (lineNo === 1) {
        if (!line.startsWith(ALLOCATIONS_MAGIC + ' ')) throw nectarError('NOT_ALLOCATIONS', `${file} does not start with the "${ALLOCATIONS_MAGIC}" line.`, {hint: 'Give the file `nectar rewards distribute --out` wrote.'})
        const fields = new Map(line.slice(ALLOCATIONS_MAGIC.length).trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]))
        const values: Record<string, bigint> = {}
        for (const name of META_FIELDS) {
          const v = fields.get(name)
          if (v === undefined || !/^\d+$/.test(v)) throw nectarError('BAD_ALLOCATIONS', `${file} line 1: the metadata has no valid ${name}.`, {hint: fix})
          values[name] = BigInt(v)
        }
        meta = {fees: values.fees, initialSupply: values.initialSupply, makers: Number(values.makers), pledged: values.pledged, supply: values.supply, total: values.total, volume: values.volume}
        continue
      }
      if (line.startsWith('#')) continue
      if (!headerSeen) {
        if (line !== ALLOCATIONS_HEADER) throw nectarError('BAD_ALLOCATIONS', `${file} line ${lineNo}: expected the header "${ALLOCATIONS_HEADER}".`, {hint: fix})
        headerSeen = true
        continue
      }
      const cells = line.split(',')
      if (cells.length !== 5) throw nectarError('BAD_ALLOCATIONS', `${file} line ${lineNo}: expected 5 columns, found ${cells.length}.`, {hint: fix})
      const address = await parseLineAddress(cells[0], lineNo, file)
      if (seen.has(address)) throw nectarError('BAD_ALLOCATIONS', `${file} line ${lineNo}: ${address} appears twice.`, {hint: fix})
      seen.add(address)
      if (!/^\d+$/.test(cells[3]) || !/^\d+$/.test(cells[4])) throw nectarError('BAD_ALLOCATIONS', `${file} line ${lineNo}: tokensWei and pledgedWei must be whole numbers.`, {hint: fix})
      const tokensWei = BigInt(cells[3])
      if (formatAmount(tokensWei) !== cells[2]) throw nectarError('BAD_ALLOCATIONS', `${file} line ${lineNo}: tokens ${cells[2]} does not match tokensWei ${cells[3]}.`, {hint: fix})
      rows.push({address, line: lineNo, pledgedWei: BigInt(cells[4]), tokensWei})
    }
  } finally {
    lines.close()
    input.destroy()
  }
  if (!meta) throw nectarError('NOT_ALLOCATIONS', `${file} is empty.`, {hint: 'Give the file `nectar rewards distribute --out` wrote.'})
  if (!headerSeen) throw nectarError('BAD_ALLOCATIONS', `${file} has no header line "${ALLOCATIONS_HEADER}".`, {hint: fix})
  const tokens = rows.reduce((a, r) => a + r.tokensWei, 0n)
  const pledged = rows.reduce((a, r) => a + r.pledgedWei, 0n)
  const problems: string[] = []
  if (rows.length !== meta.makers) problems.push(`${rows.length} rows, but the metadata says ${meta.makers}`)
  if (tokens !== meta.total) problems.push(`tokensWei sum to ${tokens}, but the metadata total is ${meta.total}`)
  if (pledged !== meta.pledged) problems.push(`pledgedWei sum to ${pledged}, but the metadata pledged is ${meta.pledged}`)
  const expected = issuanceV2(meta.fees, meta.supply, meta.initialSupply)
  if (expected !== meta.total) problems.push(`the total ${meta.total} is not the v2 issuance ${expected} for fees ${meta.fees} at supply ${meta.supply}`)
  if (problems.length > 0) {
    throw nectarError('ALLOCATIONS_MISMATCH', `${file} does not match its metadata line: ${problems[0]}.`, {details: problems.slice(1), hint: fix})
  }
  return {file, meta, rows}
}
