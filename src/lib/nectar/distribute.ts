// One period's distribution: the v2 issuance for the period's fees split over makers by volume, exact
// to the wei (largest remainder), read and written as streams so a 1,000,000-row file never sits in
// memory as text. Per maker only the merged volume (bigint) and one float per split are kept.
// Nothing here imports viem: addresses are checked with a regex, and mixed-case ones against their
// EIP-55 checksum (viem, loaded only when such an address is seen).
import {createHash} from 'node:crypto'
import {once} from 'node:events'
import {closeSync, createReadStream, createWriteStream, existsSync, openSync, readSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {formatAmount, formatDigits, parseAmount} from '../core/amounts.js'
import {checkInputFile, readInputFile} from '../core/files.js'
import {CsvParser} from '../core/csv.js'
import {NectarError, nectarError, ProblemList, quote} from '../core/errors.js'
import {INITIAL_SUPPLY, issuanceV2} from './curve.js'

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
    isChecksummed = isAddress
  }
  return isChecksummed(address)
}

/** A bad line: what is wrong, and how to fix it. */
class BadLine extends Error {
  constructor(message: string, readonly hint: string) {
    super(message)
  }
}

/** The lowercase form of a valid, non-zero address; throws a BadLine. */
async function parseLineAddress(text: string): Promise<string> {
  const fast = fastAddress(text)
  if (fast !== undefined) return fast
  if (!HEX40.test(text)) throw new BadLine(`${quote(text, 60)} is not an address`, 'An address is 0x followed by 40 hex digits.')
  const body = text.slice(2)
  const lower = body.toLowerCase()
  if (body !== lower && body !== body.toUpperCase() && !(await checksumOk(text))) {
    throw new BadLine(`${text} has a bad EIP-55 checksum`, `Check it for typos; if it is right, write it all in lower case (0x${lower}).`)
  }
  if (/^0+$/.test(lower)) throw new BadLine('the address is the zero address', 'Tokens minted there are lost; give the maker’s address.')
  return '0x' + lower
}

const LOWER40 = /^0x[0-9a-f]{40}$/
/** Lower-case, non-zero addresses need no checksum and no await (the common case in big files). */
function fastAddress(text: string): string | undefined {
  return LOWER40.test(text) && text !== '0x0000000000000000000000000000000000000000' ? text : undefined
}

/**
 * The one error for every bad line of `file` (up to 20 listed): a single one is named in the message
 * with its own hint; several are listed under a count.
 */
function badLines(code: 'BAD_ALLOCATIONS' | 'BAD_ROW', file: string, problems: ProblemList, firstHint: string, hint: string, outcome = 'nothing was written'): NectarError {
  if (problems.count === 1) return nectarError(code, `${file} ${problems.first[0]}; ${outcome}.`, {hint: firstHint})
  return nectarError(code, `${file} has ${problems.count.toLocaleString('en-US')} bad lines; ${outcome}.`, {details: problems.details(), hint})
}

// ---------------------------------------------------------------- reading volumes

const PLAIN_VOLUME = /^\d{1,30}(?:\.\d{1,18})?$/
// A spreadsheet's formatted number: "1,000.5" (quoted in the CSV, since it holds commas).
const GROUPED_VOLUME = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/
const ZEROS = '0'.repeat(18)

/** The common volume ("1250", "333.333") without parseAmount's generality; undefined for anything else. */
function plainVolume(text: string): bigint | undefined {
  if (!PLAIN_VOLUME.test(text)) return undefined
  const dot = text.indexOf('.')
  return BigInt(dot < 0 ? text + ZEROS : text.slice(0, dot) + text.slice(dot + 1) + ZEROS.slice(text.length - dot - 1))
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

const ROW_HINT = 'Each row is a maker’s address and volume, e.g. 0x70997970c51812dc3a010c7d01b50e0d17dc79c8,1250.5 (a header line and # comments are allowed).'

/**
 * Streams `address,volume` rows (CSV: header optional; blank lines and # comments skipped; a volume
 * written "1,000.5" in quotes is read as 1000.5) and merges duplicates. Every bad line is reported at
 * once, in one usage error, after the whole file was read.
 */
export async function readVolumes(file: string): Promise<MakerVolumes> {
  checkInputFile(file, {label: 'the volumes file'})
  const input = createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})
  const index = new Map<string, number>()
  const addresses: string[] = []
  const volumes: bigint[] = []
  const duplicateExamples: string[] = []
  const problems = new ProblemList()
  let firstHint = ROW_HINT
  let duplicates = 0
  let rows = 0
  let total = 0n
  let seenData = false
  const bad = (line: number, what: string, hint: string): undefined => {
    if (problems.count === 0) firstHint = hint
    problems.add(`line ${line}: ${what}`)
  }
  const add = (address: string, volume: bigint): undefined => {
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
  const volumeOf = (text: string, line: number): bigint | undefined => {
    const plain = plainVolume(text)
    if (plain !== undefined) return plain
    try {
      return parseAmount(GROUPED_VOLUME.test(text) ? text.replaceAll(',', '') : text, {allowZero: true, label: 'volume'})
    } catch (error) {
      bad(line, (error as NectarError).message.replace(/\.$/, ''), (error as NectarError).hint ?? 'Give the volume as a decimal number.')
    }
  }
  // Synchronous but for the rare address that needs viem's checksum, which pauses the parser.
  const handle = (fields: string[], line: number, error?: string): Promise<void> | undefined => {
    // The common row, "0x<40 lower-case hex>,<digits>[.<digits>]", with no trimming or parseAmount.
    if (fields.length === 2 && seenData) {
      const address = fastAddress(fields[0])
      const volume = address === undefined ? undefined : plainVolume(fields[1])
      if (volume !== undefined) return add(address!, volume)
    }
    if (error) return bad(line, error.replace(/^line \d+: /, ''), 'Fix the quoting on that line: a field with a comma or a quote is written in quotes, a quote inside it as "".')
    // Spreadsheets add empty columns at the end of a row; they carry nothing.
    let n = fields.length
    while (n > 1 && fields[n - 1].trim() === '') n--
    const first = fields[0].trim()
    if (!seenData) {
      seenData = true
      if (/^address$/i.test(first)) return
    }
    if (n === 1 && first === '') return
    if (n === 1) return bad(line, 'expected "address,volume"', 'Each row is an address, a comma, and the maker’s volume.')
    if (n > 2) return bad(line, `expected two fields, "address,volume", found ${n}`, 'Remove the extra columns (a volume written with thousands separators must be in quotes: "1,000.5").')
    const fast = fastAddress(first)
    if (fast !== undefined) {
      const volume = volumeOf(fields[1].trim(), line)
      if (volume !== undefined) add(fast, volume)
      return
    }
    return parseLineAddress(first).then(
      (address) => {
        const volume = volumeOf(fields[1].trim(), line)
        if (volume !== undefined) add(address, volume)
      },
      (error) => {
        if (!(error instanceof BadLine)) throw error
        bad(line, error.message, error.hint)
      },
    )
  }
  const parser = new CsvParser(handle, {comments: true})
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      for (let paused = parser.push(chunk); paused; paused = parser.push('')) await paused
    }
    for (let paused = parser.end(); paused; paused = parser.end()) await paused
  } finally {
    input.destroy()
  }
  if (problems.count > 0) throw badLines('BAD_ROW', file, problems, firstHint, ROW_HINT)
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

/** The allocations file's metadata, in a sidecar beside it: the CSV itself stays plain for spreadsheets and pandas. */
export interface AllocationsSidecar {
  bytes: number
  /** The CSV's file name (informational: the sidecar is found by the CSV's path + META_SUFFIX). */
  csv: string
  fees: string
  format: typeof SIDECAR_FORMAT
  initialSupply: string
  makers: number
  pledged: string
  /** Of the CSV's bytes, so an edited, truncated or swapped CSV is refused. */
  sha256: string
  supply: string
  total: string
  version: 2
  volume: string
}

const SIDECAR_FORMAT = 'nectar-allocations'
export const META_SUFFIX = '.meta.json'
/** Before the sidecar, the metadata was this comment line at the top of the CSV (read, with a warning). */
const LEGACY_MAGIC = '# nectar-allocations v1'

/** Every allocation row in order, as `[address, volumeWei, tokensWei, pledgedWei]`. */
export function* allocationRows(d: Distribution): Generator<[string, bigint, bigint, bigint]> {
  const {addresses, total: vTotal, volumes} = d.volumes
  for (let i = 0; i < addresses.length; i++) {
    const v = volumes[i]
    yield [addresses[i], v, (d.total * v) / vTotal + BigInt(d.tokenBonus[i]), (d.pledged * v) / vTotal + BigInt(d.pledgedBonus[i])]
  }
}

/**
 * Writes the allocations CSV (header, one row per maker) as a stream and, for a file, its metadata
 * sidecar FILE.meta.json with the CSV's SHA-256; returns the sidecar's path (undefined for stdout).
 */
export async function writeAllocations(file: string, d: Distribution, {sidecar = true}: {sidecar?: boolean} = {}): Promise<string | undefined> {
  const metaFile = sidecar ? file + META_SUFFIX : undefined
  // A sidecar left from an earlier run must not vouch for this file if the run fails half-way.
  if (metaFile) rmSync(metaFile, {force: true})
  const out = createWriteStream(file, {encoding: 'utf8'})
  const failed = new Promise<never>((_, reject) => out.once('error', reject))
  failed.catch(() => {})
  const hash = createHash('sha256')
  let bytes = 0
  const write = async (text: string) => {
    hash.update(text)
    bytes += Buffer.byteLength(text)
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed])
  }
  try {
    await write(`${ALLOCATIONS_HEADER}\n`)
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
    if (metaFile) {
      const meta: AllocationsSidecar = {
        bytes,
        csv: path.basename(file),
        fees: d.fees.toString(),
        format: SIDECAR_FORMAT,
        initialSupply: d.initialSupply.toString(),
        makers: d.makers,
        pledged: d.pledged.toString(),
        sha256: hash.digest('hex'),
        supply: d.supply.toString(),
        total: d.total.toString(),
        version: 2,
        volume: d.volume.toString(),
      }
      writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n')
    }
  } catch (error) {
    out.destroy()
    throw nectarError('WRITE_FAILED', `Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {hint: 'Check the directory exists and is writable.'})
  }
  return metaFile
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
const FIX = 'Write the file again with `nectar rewards distribute --out FILE` (it writes FILE and FILE.meta.json); do not edit either by hand.'

/** The metadata from a sidecar's JSON text; a usage error naming the field that is missing or wrong. */
function sidecarMeta(text: string, metaFile: string): {meta: AllocationMeta; sha256: string} {
  let data: Record<string, unknown>
  try {
    data = JSON.parse(text)
  } catch {
    throw nectarError('BAD_ALLOCATIONS', `${metaFile} is not JSON.`, {hint: FIX})
  }
  if (data?.format !== SIDECAR_FORMAT) throw nectarError('BAD_ALLOCATIONS', `${metaFile} is not an allocations metadata file (no "format": "${SIDECAR_FORMAT}").`, {hint: FIX})
  const bad = META_FIELDS.filter((name) => !/^\d+$/.test(String(data[name])))
  if (typeof data.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(data.sha256)) bad.push('sha256' as never)
  if (bad.length > 0) throw nectarError('BAD_ALLOCATIONS', `${metaFile}: ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} missing or not a whole number.`, {hint: FIX})
  const big = (name: (typeof META_FIELDS)[number]) => BigInt(String(data[name]))
  return {
    meta: {fees: big('fees'), initialSupply: big('initialSupply'), makers: Number(data.makers), pledged: big('pledged'), supply: big('supply'), total: big('total'), volume: big('volume')},
    sha256: data.sha256 as string,
  }
}

/** The metadata of an allocations file from before the sidecar: its first line, "# nectar-allocations v1 total=… …". */
function legacyMeta(line: string, file: string): AllocationMeta {
  const fields = new Map(line.slice(LEGACY_MAGIC.length).trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]))
  const values: Record<string, bigint> = {}
  for (const name of META_FIELDS) {
    const v = fields.get(name)
    if (v === undefined || !/^\d+$/.test(v)) throw nectarError('BAD_ALLOCATIONS', `${file} line 1: the metadata has no valid ${name}.`, {hint: FIX})
    values[name] = BigInt(v)
  }
  return {fees: values.fees, initialSupply: values.initialSupply, makers: Number(values.makers), pledged: values.pledged, supply: values.supply, total: values.total, volume: values.volume}
}

/** The first line of a file (up to 1 KiB), BOM removed. */
function firstLine(file: string): string {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(1024)
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8')
    return text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads an allocations file written by `rewards distribute` and checks it against its metadata
 * sidecar (FILE.meta.json): the CSV's SHA-256, the row count, the token and pledge sums, and that the
 * total is the v2 issuance for its fees at its supply. A file from before the sidecar, with its
 * metadata in a first "# nectar-allocations v1" line, gets the same checks but the hash, and a warning.
 * Every bad line is reported at once; anything off is a usage error and nothing is sent.
 */
export async function readAllocations(file: string, {warn}: {warn?: (message: string) => void} = {}): Promise<Allocations> {
  checkInputFile(file, {label: 'the allocations file'})
  const metaFile = file + META_SUFFIX
  let meta: AllocationMeta
  let sha256: string | undefined
  if (existsSync(metaFile)) {
    ;({meta, sha256} = sidecarMeta(readInputFile(metaFile, {code: 'BAD_ALLOCATIONS', hint: FIX, label: 'the allocations metadata', maxBytes: 1 << 16}), metaFile))
  } else {
    const first = firstLine(file)
    if (!first.startsWith(LEGACY_MAGIC + ' ')) {
      throw nectarError('NOT_ALLOCATIONS', `${file} has no metadata file beside it (${path.basename(metaFile)}), so it cannot be checked.`, {
        hint: 'Give the file `nectar rewards distribute --out FILE` wrote, with FILE.meta.json next to it (move or copy both), or run distribute again. Nothing was sent.',
      })
    }
    meta = legacyMeta(first, file)
    warn?.(`${file} is in the old format (metadata in a "#" first line, no hash); it was checked against that line. \`nectar rewards distribute\` now writes a plain CSV and ${path.basename(metaFile)}.`)
  }
  const input = createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})
  const hash = createHash('sha256')
  const problems = new ProblemList()
  let headerSeen = false
  const rows: AllocationRow[] = []
  const seen = new Set<string>()
  const row = async (fields: string[], line: number, error?: string) => {
    if (error) return problems.add(error)
    if (!headerSeen) {
      headerSeen = true
      if (fields.join(',') !== ALLOCATIONS_HEADER) problems.add(`line ${line}: expected the header "${ALLOCATIONS_HEADER}"`)
      return
    }
    if (fields.length !== 5) return problems.add(`line ${line}: expected 5 columns, found ${fields.length}`)
    let address: string
    try {
      address = await parseLineAddress(fields[0])
    } catch (error) {
      if (!(error instanceof BadLine)) throw error
      return problems.add(`line ${line}: ${error.message}`)
    }
    if (seen.has(address)) return problems.add(`line ${line}: ${address} appears twice`)
    seen.add(address)
    if (!/^\d+$/.test(fields[3]) || !/^\d+$/.test(fields[4])) return problems.add(`line ${line}: tokensWei and pledgedWei must be whole numbers`)
    const tokensWei = BigInt(fields[3])
    if (formatAmount(tokensWei) !== fields[2]) return problems.add(`line ${line}: tokens ${fields[2]} does not match tokensWei ${fields[3]}`)
    rows.push({address, line, pledgedWei: BigInt(fields[4]), tokensWei})
  }
  const parser = new CsvParser(row, {comments: true})
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      hash.update(chunk)
      for (let paused = parser.push(chunk); paused; paused = parser.push('')) await paused
    }
    for (let paused = parser.end(); paused; paused = parser.end()) await paused
  } finally {
    input.destroy()
  }
  if (sha256 !== undefined && hash.digest('hex') !== sha256) {
    throw nectarError('ALLOCATIONS_MISMATCH', `${file} was changed after \`rewards distribute\` wrote it: its SHA-256 is not the one in ${path.basename(metaFile)}.`, {details: problems.details(), hint: FIX})
  }
  if (!headerSeen) problems.add(`no header line "${ALLOCATIONS_HEADER}"`)
  if (problems.count > 0) throw badLines('BAD_ALLOCATIONS', file, problems, FIX, FIX, 'nothing was sent')
  const tokens = rows.reduce((a, r) => a + r.tokensWei, 0n)
  const pledged = rows.reduce((a, r) => a + r.pledgedWei, 0n)
  const mismatches: string[] = []
  if (rows.length !== meta.makers) mismatches.push(`${rows.length} rows, but the metadata says ${meta.makers}`)
  if (tokens !== meta.total) mismatches.push(`tokensWei sum to ${tokens}, but the metadata total is ${meta.total}`)
  if (pledged !== meta.pledged) mismatches.push(`pledgedWei sum to ${pledged}, but the metadata pledged is ${meta.pledged}`)
  const expected = issuanceV2(meta.fees, meta.supply, meta.initialSupply)
  if (expected !== meta.total) mismatches.push(`the total ${meta.total} is not the v2 issuance ${expected} for fees ${meta.fees} at supply ${meta.supply}`)
  if (mismatches.length > 0) {
    throw nectarError('ALLOCATIONS_MISMATCH', `${file} does not match its metadata: ${mismatches[0]}.`, {details: mismatches.slice(1), hint: FIX})
  }
  return {file, meta, rows}
}
