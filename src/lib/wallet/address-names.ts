// The one way a person's account name becomes an account: a dev account name (dev0..dev9, devnet
// only) or a keystore name (nectar's, then Foundry's). Keystores carry their address in the clear, so
// a name resolves to an address without any password; only signing decrypts.
import {type Address} from '../core/addresses.js'
import {nectarError, quote} from '../core/errors.js'
import {closest} from '../core/suggest.js'
import {DEV_ACCOUNTS, devAccountsAllowed, type DevAccount, findDevAccount, isDevAccountName, requireDevAccount} from './dev-accounts.js'
import {findKeystore, listKeystores, type StoredKeystore, unknownWallet} from './store.js'

export interface NameContext {
  chainId: number
  configDir: string
  devnet: boolean
  env: NodeJS.ProcessEnv
}

export type NamedAccount = {dev: DevAccount; kind: 'dev'} | {keystore: StoredKeystore; kind: 'keystore'}

/** The dev account or keystore a name stands for; an unknown name is an error that lists the known ones. */
export function lookUpName(name: string, ctx: NameContext): NamedAccount {
  if (isDevAccountName(name)) return {dev: requireDevAccount(findDevAccount(name)!, ctx.devnet, ctx.chainId), kind: 'dev'}
  const keystore = findKeystore(ctx.configDir, name, ctx.env)
  if (keystore) return {keystore, kind: 'keystore'}
  throw unknownWallet(ctx.configDir, name, ctx.env, devAccountsAllowed(ctx.devnet, ctx.chainId) ? ['dev0..dev9'] : [])
}

/**
 * What parseAddress takes to accept names (`balance dev1`, `transfer alice 10`): the address a name
 * stands for, read without decrypting anything.
 */
export function nameResolver(ctx: NameContext): (name: string, label: string) => Address {
  return (name, label) => {
    let named: NamedAccount
    try {
      named = lookUpName(name, ctx)
    } catch (error) {
      if ((error as {code?: string}).code !== 'UNKNOWN_ACCOUNT') throw error
      const known = (error as {details?: string[]}).details ?? []
      const names = [...(devAccountsAllowed(ctx.devnet, ctx.chainId) ? DEV_ACCOUNTS.map((a) => a.name) : []), ...listKeystores(ctx.configDir, ctx.env).keystores.map((k) => k.name)]
      const near = closest(name, names)
      throw nectarError('INVALID_ADDRESS', `The ${label} ${quote(name)} is neither an address nor an account name.${near ? ` Did you mean ${near}?` : ''}`, {
        details: known,
        hint: 'Give 0x followed by 40 hex digits, or a name from `nectar wallet list`.',
      })
    }
    if (named.kind === 'dev') return named.dev.address
    if (named.keystore.address) return named.keystore.address
    throw nectarError('KEYSTORE_WITHOUT_ADDRESS', `The keystore ${named.keystore.name} (${named.keystore.path}) does not record its address.`, {
      hint: `Give the address itself (\`nectar wallet address --account ${named.keystore.name}\` shows it after asking for the password).`,
    })
  }
}
