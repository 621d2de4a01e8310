// `nectar init`: a newcomer's first setup by questions. A network (the devnet, started if need be; a
// profile already known; or a new one from an RPC URL, whose chain id is read to check it answers),
// then an account (a new keystore, an imported key, or a dev account on the devnet), saved as the
// active network and the default account through the same modules as `network add|use`, `wallet
// create|import` and `config set account`.
import {readChainId} from '../../chain/client.js'
import {addNetwork, useNetwork} from '../../config/edit-networks.js'
import {DEVNET, getNetwork, listNetworks} from '../../config/networks.js'
import {readConfig, updateConfig} from '../../config/store.js'
import {maskUrl} from '../../core/urls.js'
import {devnetInfo, devnetUp} from '../../devnet/lifecycle.js'
import {DEV_ACCOUNTS, devAccountsAllowed} from '../../wallet/dev-accounts.js'
import {createWallet, importPrivateKey, savedWallet} from '../../wallet/manage.js'
import {newPassword} from '../../wallet/passwords.js'
import {resolveAccountAddress} from '../../wallet/resolve-account.js'
import {findKeystore, validateWalletName} from '../../wallet/store.js'
import {type Ask, checkWith} from '../ask.js'
import {toNectarError} from '../../core/to-nectar-error.js'

export interface InitIo {
  configDir: string
  dataDir: string
  env: NodeJS.ProcessEnv
  note: (message: string) => void
  warn: (message: string) => void
}

/** What `nectar init` reports. */
export interface InitReport {
  account: null | string
  address: `0x${string}` | null
  chainId: number
  network: string
  rpcUrl: null | string
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/

export async function runInit(ask: Ask, io: InitIo): Promise<InitReport> {
  const network = await chooseNetwork(ask, io)
  const profile = getNetwork(readConfig(io.configDir), network)!
  const account = await chooseAccount(ask, io, Boolean(profile.devnet), profile.chainId)
  updateConfig(io.configDir, (config) => {
    if (account) config.account = account.name
    else delete config.account
  })
  return {account: account?.name ?? null, address: account?.address ?? null, chainId: profile.chainId, network, rpcUrl: profile.rpcUrl ?? null}
}

async function chooseNetwork(ask: Ask, io: InitIo): Promise<string> {
  const config = readConfig(io.configDir)
  const known = listNetworks(config).filter((n) => n.name !== DEVNET && n.rpcUrl)
  const choice = await ask.select<string>('Which network?', [
    {description: 'A chain on this machine with NEC and the market deployed, for trying things out', name: 'devnet: a local chain (started if needed)', value: DEVNET},
    ...known.map((n) => ({name: `${n.name}: chain ${n.chainId}, ${maskUrl(n.rpcUrl!)}`, value: n.name})),
    {description: 'Saved as a network profile once it answers', name: 'A new network: give its RPC URL', value: ''},
  ], config.network)
  if (choice === DEVNET) await ensureDevnet(ask, io)
  else if (choice === '') return addNew(ask, io)
  useNetwork(io.configDir, choice)
  return choice
}

/** The devnet answers at its profile's URL, or is started (with the person's consent). */
async function ensureDevnet(ask: Ask, io: InitIo): Promise<void> {
  const url = getNetwork(readConfig(io.configDir), DEVNET)!.rpcUrl!
  const answers = await readChainId(url).then(() => true, () => false)
  if (answers || (await devnetInfo({dataDir: io.dataDir})).running) return
  if (!(await ask.confirm('The devnet is not running. Start it now?', true))) {
    io.note('Start it later with `nectar devnet up`.')
    return
  }
  const result = await devnetUp({configDir: io.configDir, dataDir: io.dataDir, onProgress: io.note})
  io.note(`The devnet is running at ${result.rpcUrl}.`)
}

async function addNew(ask: Ask, io: InitIo): Promise<string> {
  const config = readConfig(io.configDir)
  const name = await ask.input('A name for it (lower case letters, digits, - and _):', {
    check: (a) => (NAME.test(a) ? (getNetwork(config, a) && !['mainnet', 'sonm'].includes(a) ? `There is a network named ${a} already; pick another name.` : undefined) : 'Use lower case letters, digits, - and _ (up to 32).'),
  })
  for (;;) {
    const rpcUrl = await ask.input('RPC URL (http://… or https://…):', {check: (a) => (/^https?:\/\/\S+$/.test(a) ? undefined : 'Give a URL such as http://127.0.0.1:8545 or https://eth.example.org.')})
    try {
      // addNetwork reads the chain id from the URL: a node that does not answer is never saved.
      const saved = await addNetwork(io.configDir, {name, rpcUrl, use: true}, readChainId)
      io.note(`${maskUrl(rpcUrl)} answers: chain id ${saved.chainId}. Saved as ${name}.`)
      if (name === 'mainnet') io.note('NEC and its controller on mainnet are built in.')
      return name
    } catch (error) {
      const e = toNectarError(error)
      io.warn(`${e.message}${e.hint ? ` ${e.hint}` : ''}`)
      if (!(await ask.confirm('Try another URL?', true))) throw e
    }
  }
}

async function chooseAccount(ask: Ask, io: InitIo, devnet: boolean, chainId: number): Promise<undefined | {address: `0x${string}`; name: string}> {
  const devAllowed = devAccountsAllowed(devnet, chainId)
  // The default account now, offered only where it works (a dev account does not on another chain).
  const name = readConfig(io.configDir).account
  const current = name === undefined ? undefined : await resolveAccountAddress({chainId, configDir: io.configDir, devnet, env: {}, name, warn() {}}).then((address) => ({address, name}), () => undefined)
  const how = await ask.select<string>('Which account?', [
    ...(current ? [{name: `Keep ${current.name} (the default now)`, value: 'keep'}] : []),
    {description: 'A random key, encrypted with a password in a keystore (readable by geth and Foundry)', name: 'Create a new key', value: 'create'},
    {description: 'A private key you have, encrypted with a password in a keystore', name: 'Import a private key', value: 'import'},
    ...(devAllowed ? [{description: 'dev0..dev9, funded on the devnet; they sign only on the devnet', name: 'A dev account of the devnet', value: 'dev'}] : []),
    {name: 'None for now', value: 'none'},
  ], current ? 'keep' : devAllowed ? 'dev' : 'create')
  if (how === 'none') return undefined
  if (how === 'keep') return current
  if (how === 'dev') {
    const dev = await ask.select('Which dev account?', DEV_ACCOUNTS.map((d) => ({name: `${d.name}  ${d.address}`, value: d})))
    return {address: dev.address, name: dev.name}
  }
  const check = checkWith(validateWalletName)
  const wallet = await ask.input('A name for the wallet (letters, digits, _ . -):', {
    check: (a) => check(a) ?? (findKeystore(io.configDir, a, io.env) ? `There is a wallet named ${a} already; pick another name.` : undefined),
    initial: how === 'create' ? 'main' : undefined,
  })
  const secret = how === 'import' ? await ask.secret('Private key (hex):') : undefined
  const password = await newPassword({askPassword: (message) => ask.secret(message), env: io.env})
  io.note('Encrypting the keystore…')
  const written = secret === undefined ? await createWallet(io.configDir, wallet, password, {env: io.env}) : await importPrivateKey(io.configDir, wallet, secret, password, {env: io.env})
  return {address: savedWallet(wallet, written, io.warn).address, name: wallet}
}
