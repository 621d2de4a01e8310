// ox's Address module (viem's own EIP-55 code), not the 'viem' or 'viem/utils' barrels: every command loads
// this file, and through a barrel esbuild puts all of viem that any command uses (wallet actions,
// secp256k1) in the chunks every command loads.
import {checksum as getAddress, validate} from 'ox/Address'

import {nectarError, quote} from './errors.js'

export type Address = `0x${string}`

const zeroAddress: Address = '0x0000000000000000000000000000000000000000'

/** Turns an account name into its address, or throws (src/lib/wallet/address-names.ts nameResolver). */
export type NameResolver = (name: string, label: string) => Address

export interface ParseAddressOptions {
  allowZero?: boolean
  /** Accept account names too (anything that does not start with 0x), where a person gives an address. */
  names?: NameResolver
}

/**
 * Parses an address: 40 hex digits after 0x; when mixed case, the EIP-55 checksum must match.
 * With `names`, an account name stands for its address. Returns the checksummed form.
 */
export function parseAddress(text: string, label = 'address', {allowZero = false, names}: ParseAddressOptions = {}): Address {
  const raw = String(text ?? '').trim()
  if (names && raw !== '' && !/^0x/i.test(raw)) return getAddress(names(raw, label))
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    throw nectarError('INVALID_ADDRESS', `The ${label} ${quote(raw)} is not an address.`, {
      hint: 'An address is 0x followed by 40 hex digits.',
    })
  }
  // One checksum per address (isAddress strict and getAddress would hash twice: 50,000 lines take seconds).
  const address = getAddress(raw)
  if (address !== raw && raw.slice(2) !== raw.slice(2).toLowerCase()) {
    throw nectarError('BAD_CHECKSUM', `The ${label} ${raw} has a bad EIP-55 checksum.`, {
      hint: `Check it for typos; if it is right, write it all in lower case (${raw.toLowerCase()}).`,
    })
  }
  if (!allowZero && address === zeroAddress) {
    throw nectarError('ZERO_ADDRESS', `The ${label} is the zero address.`, {hint: 'Tokens sent there are lost; give a real address.'})
  }
  return address
}

/** A 0x address of 40 hex digits whose checksum, when mixed case, is right (viem's isAddress). */
export const isAddress = (text: string): text is Address => validate(text)
