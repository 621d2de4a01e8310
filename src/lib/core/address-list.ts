
import {readInputFile} from './files.js'
import {type NameResolver, parseAddress} from './addresses.js'
import {parseCsv} from './csv.js'
import {NectarError, nectarError, ProblemList} from './errors.js'

export type Address = `0x${string}`

export interface AddressListOptions {
  /** Addresses refused with a reason (lower-case address → e.g. "the NEC token"), reported like bad lines. */
  exclude?: ReadonlyMap<string, string>
  /** Most addresses accepted from a file. */
  max?: number
  /** Accept account names on the command line (never in a file: a file holds addresses). */
  names?: NameResolver
  /** Called every few hundred lines of a file (a spinner keeps turning through a long synchronous read). */
  poke?: () => void
}

/**
 * Addresses from the command line and/or a file (one per line; blank lines and # comments are
 * skipped; of a CSV, quoted or not, the first field is used). Every bad line is reported at once (the
 * first 20 listed), with its number, before anything is read from or sent to the chain.
 */
export function collectAddresses(args: readonly string[], file: string | undefined, {exclude, max = 100_000, names, poke}: AddressListOptions = {}): Address[] {
  const problems = new ProblemList()
  const out: Address[] = []
  const excluded = (address: Address, label: string): string | undefined => {
    const what = exclude?.get(address.toLowerCase())
    return what ? `The ${label} ${address} is ${what}.` : undefined
  }
  args.forEach((text, i) => {
    try {
      const address = parseAddress(text, `address #${i + 1}`, {names})
      const refused = excluded(address, `address #${i + 1}`)
      if (refused) problems.add(refused)
      else out.push(address)
    } catch (error) {
      problems.add((error as NectarError).message)
    }
  })
  if (file !== undefined) {
    const text = readInputFile(file, {label: 'the address file'})
    let count = 0
    for (const {error, fields, line} of parseCsv(text, {comments: true})) {
      if (error) {
        problems.add(error)
        continue
      }
      const field = fields[0].trim()
      if (field === '') continue
      if (count === 0 && /^address$/i.test(field)) continue // a CSV header
      count++
      if (poke && count % 256 === 0) poke()
      try {
        const address = parseAddress(field, `address on line ${line}`)
        const refused = excluded(address, 'address')
        if (refused) problems.add(`line ${line}: ${refused}`)
        else out.push(address)
      } catch (error) {
        problems.add(`line ${line}: ${(error as NectarError).message}`)
      }
    }
    if (count > max) throw nectarError('TOO_MANY_ADDRESSES', `${file} has ${count} addresses; at most ${max} are accepted.`, {hint: 'Split the file.'})
  }
  if (problems.count > 0) {
    throw nectarError('INVALID_ADDRESSES', `${problems.count} invalid address${problems.count === 1 ? '' : 'es'}; nothing was done.`, {
      details: problems.details(),
      hint: `Fix or remove those lines${names ? ' (an argument may also be an account name from `nectar wallet list`)' : ''}. Mixed-case addresses must carry a valid EIP-55 checksum; all lower case skips the check.`,
    })
  }
  return out
}
