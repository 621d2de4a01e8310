// Type test, checked by `npm run typecheck` (tsconfig.typecheck.json), never run: writes are typed from
// the `as const` ABIs like viem's writeContract, so a misspelt function name, a read-only function or
// an argument of the wrong type does not compile. Each `@ts-expect-error` fails the check if the line
// under it ever compiles (that is, if the typing regresses).
import {type Address} from 'viem'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {transact, type TransactOptions, type WriteCall, writeCall} from '../../src/lib/chain/transact.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'

declare const client: ChainClient
declare const send: TransactOptions
declare const market: Address
declare const snm: Address

export async function typedWrites() {
  // Correct calls compile, with the argument types inferred from the ABI.
  const bill = writeCall({abi: marketAbi, address: market, args: [1n], functionName: 'Bill'})
  const typed: WriteCall<typeof marketAbi, 'Bill'> = bill
  await transact(client, 'Bill deal 1', typed, send)
  await transact(client, 'QuickBuy', {abi: marketAbi, address: market, args: [3n, 7200n], functionName: 'QuickBuy'}, send)
  await transact(client, 'Close', {abi: marketAbi, address: market, args: [1n, 0], functionName: 'CloseDeal'}, send)
  await transact(client, 'Approve', {abi: snmAbi, address: snm, args: [market, 10n ** 18n], functionName: 'approve'}, send)

  // A misspelt function name.
  // @ts-expect-error 'Bil' is not a function of the Market
  writeCall({abi: marketAbi, address: market, args: [1n], functionName: 'Bil'})
  // @ts-expect-error 'quickBuy' is not a function of the Market (names are case-sensitive)
  await transact(client, 'QuickBuy', {abi: marketAbi, address: market, args: [3n, 7200n], functionName: 'quickBuy'}, send)

  // A string where a bigint belongs.
  // @ts-expect-error the deal id is a uint256 (bigint), not a string
  writeCall({abi: marketAbi, address: market, args: ['1'], functionName: 'Bill'})
  // @ts-expect-error the duration is a uint256 (bigint), not a string
  await transact(client, 'QuickBuy', {abi: marketAbi, address: market, args: [3n, '2h'], functionName: 'QuickBuy'}, send)

  // Missing arguments, and a function that only reads.
  // @ts-expect-error CloseDeal takes the deal id and whom to blacklist
  await transact(client, 'Close', {abi: marketAbi, address: market, args: [1n], functionName: 'CloseDeal'}, send)
  // @ts-expect-error GetDealInfo is a view function: nothing to send
  await transact(client, 'Read', {abi: marketAbi, address: market, args: [1n], functionName: 'GetDealInfo'}, send)
  // @ts-expect-error approve's spender is an address, not a number
  await transact(client, 'Approve', {abi: snmAbi, address: snm, args: [1n, 10n], functionName: 'approve'}, send)
}
