import {type Address, getAddress} from 'viem'

/** Known deployments of the real Nectar contracts (lower case as published; checksum with `checksummed`). */
export const MAINNET_CHAIN_ID = 1

export const MAINNET_NEC = '0xcc80c051057b774cd75067dc48f8987c4eb97a5e' as const
/** NectarController v2, the controller of NEC since 12 Apr 2018. */
export const MAINNET_CONTROLLER_V2 = '0x0e55c54249f25f70d519b7fb1c20e3331e7ba76d' as const

export const MAINNET_CONTRACTS = {controller: MAINNET_CONTROLLER_V2, nec: MAINNET_NEC} as const

/** EIP-55 checksummed form of a known address. */
export function checksummed(address: string): Address {
  return getAddress(address)
}
