// Flag groups in the manner of Foundry's cast: each command spreads only the groups it uses, so
// `config path` shows no signer flags and every command that sends a transaction has the same
// transaction options. Custom flags parse amounts and durations with the one parser in src/lib/core.
import {Flags} from '@oclif/core'

import {parseAmount} from '../core/amounts.js'
import {checkInputFile} from '../core/files.js'
import {type DurationOptions, parseDurationMs, parseDurationSeconds} from '../core/durations.js'

/** A path to an existing, readable regular file (a directory or a missing file is a one-line usage error). */
export const inputFileFlag = Flags.custom<string>({
  parse: async (input, _context, options) => {
    checkInputFile(input, {label: `--${options.name}`})
    return input
  },
})

/** Which network and node: every command that reads or writes the chain. */
export const rpcFlags = {
  network: Flags.string({char: 'n', description: 'Network profile to use. Env: NECTAR_NETWORK.', helpGroup: 'RPC'}),
  'rpc-url': Flags.string({char: 'r', description: 'JSON-RPC URL. Env: NECTAR_RPC_URL, ETH_RPC_URL.', helpGroup: 'RPC'}),
}

/** The account whose address a read command uses by default (no key is decrypted). */
export const accountFlag = {
  account: Flags.string({char: 'a', description: 'Account: keystore name, address, or dev0..dev9 on the devnet. Env: NECTAR_ACCOUNT.', helpGroup: 'SIGNER'}),
}

/** Who signs: commands that send transactions or sign agent requests. */
export const signerFlags = {
  ...accountFlag,
  'password-file': inputFileFlag({description: 'Read the keystore password from this file. Env: NECTAR_PASSWORD.', helpGroup: 'SIGNER'}),
  'private-key': Flags.string({description: 'Sign with this raw private key (discouraged; prefer a keystore). Env: NECTAR_PRIVATE_KEY.', helpGroup: 'SIGNER'}),
}

const gwei = (what: string) =>
  Flags.custom<bigint>({
    description: `${what}, in gwei (decimals allowed, e.g. 1.5).`,
    helpGroup: 'TRANSACTION',
    parse: async (input) => parseAmount(input, {allowZero: true, decimals: 9, label: what.toLowerCase(), unit: 'gwei'}),
  })

/** How a transaction is sent: confirmation and the fields that replace a stuck one (`--nonce N --max-fee X`). */
export const txFlags = {
  'gas-limit': Flags.custom<bigint>({
    description: 'Gas limit (default: the estimate plus 20%).',
    helpGroup: 'TRANSACTION',
    parse: async (input) => parseAmount(input, {decimals: 0, label: 'gas limit', unit: 'gas'}),
  })(),
  'max-fee': gwei('Max fee per gas')(),
  nonce: Flags.integer({description: 'Nonce (default: the next one); the same nonce with a higher fee replaces a pending transaction.', helpGroup: 'TRANSACTION', min: 0}),
  'priority-fee': gwei('Max priority fee per gas')(),
  yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.', helpGroup: 'TRANSACTION'}),
}

/** Only the confirmation (wallet remove, and the batches, which set their own nonces and fees). */
export const confirmFlag = {yes: txFlags.yes}

/** Journaled batches: the confirmation, and what to do when another run of the same input holds its lock. */
export const batchFlags = {
  ...confirmFlag,
  wait: Flags.boolean({description: 'When another run of the same input is going, wait for it to finish instead of refusing.', helpGroup: 'TRANSACTION'}),
}

/** A duration flag in whole seconds (bigint): `90s`, `1h30m`, `1.5h`, `2d`; a bare number is seconds. */
export const durationFlag = Flags.custom<bigint, Omit<DurationOptions, 'label' | 'subSecond'>>({
  parse: async (input, _context, options) => parseDurationSeconds(input, {...options, label: `--${options.name}`}),
})

/** A duration flag in milliseconds (bigint), where sub-second spans make sense (`500ms`). */
export const durationMsFlag = Flags.custom<bigint, Omit<DurationOptions, 'label' | 'subSecond'>>({
  parse: async (input, _context, options) => parseDurationMs(input, {...options, label: `--${options.name}`, subSecond: true}),
})

/**
 * How a list command's table is shown (render.ts renderList applies them). A command with its own
 * --sort (compute offers) spreads its flag after these.
 */
export const listFlags = {
  columns: Flags.string({description: 'Show only these columns, in this order (comma-separated names from the header).', helpGroup: 'OUTPUT'}),
  csv: Flags.boolean({description: 'Print CSV (RFC 4180) with every value whole, instead of the table.', exclusive: ['wide'], helpGroup: 'OUTPUT'}),
  sort: Flags.string({description: 'Sort by this column (a name from the header); NAME:desc sorts descending.', helpGroup: 'OUTPUT'}),
  wide: Flags.boolean({description: 'Whole values (addresses not shortened) and no width limit.', helpGroup: 'OUTPUT'}),
}
