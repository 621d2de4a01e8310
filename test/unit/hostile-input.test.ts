// Input a hostile or careless user sends: every case is an error we wrote (its own code, one line,
// the input quoted short, secrets masked), never UNEXPECTED and never a silent no-op.
import {mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, lstatSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {getKey, setKey, unsetKey} from '../../src/lib/config/keys.js'
import {getNetwork} from '../../src/lib/config/networks.js'
import {readConfig, writeConfig} from '../../src/lib/config/store.js'
import {parseAddress} from '../../src/lib/core/addresses.js'
import {checkInputFile} from '../../src/lib/core/files.js'
import {toNectarError} from '../../src/lib/core/to-nectar-error.js'
import {maskUrl} from '../../src/lib/core/urls.js'
import {parseYamlText} from '../../src/lib/core/yaml-file.js'
import {loadPlans} from '../../src/lib/market/plan.js'
import {decryptKeystore, encryptKeystore, parseKeystore} from '../../src/lib/wallet/keystore.js'

const tmp = () => mkdtempSync(path.join(tmpdir(), 'nectar-hostile-'))

function thrown(fn: () => unknown): {code?: string; message: string} {
  try {
    fn()
  } catch (error) {
    return error as {code?: string; message: string}
  }
  throw new Error('expected an error')
}

async function rejected(promise: Promise<unknown>): Promise<{code?: string; message: string}> {
  return promise.then(() => {
    throw new Error('expected a rejection')
  }, (error: unknown) => error as {code?: string; message: string})
}

describe('config keys and names', () => {
  it('refuses keys through Object.prototype instead of saving nothing', () => {
    for (const key of ['networks.constructor.rpcUrl', 'networks.__proto__.rpcUrl', 'networks.prototype.chainId']) {
      const config = {version: 1 as const}
      expect(thrown(() => setKey(config, key, 'http://x')).code, key).toBe('UNKNOWN_CONFIG_KEY')
    }
  })

  it('finds no network called __proto__ or constructor', () => {
    expect(getNetwork({version: 1}, '__proto__')).toBeUndefined()
    expect(getNetwork({version: 1}, 'constructor')).toBeUndefined()
    expect(getNetwork({version: 1}, 'devnet')).toBeDefined()
  })

  it('reads and unsets only own keys', () => {
    const config = {version: 1 as const}
    setKey(config, 'networks.staging.rpcUrl', 'http://127.0.0.1:1')
    expect(getKey(config, 'networks.staging.rpcUrl')).toBe('http://127.0.0.1:1')
    expect(unsetKey(config, 'networks.other.rpcUrl')).toBe(false)
  })

  it('writes a symlinked config through its link', () => {
    const dir = tmp()
    const real = path.join(dir, 'dotfiles')
    mkdirSync(real)
    writeFileSync(path.join(real, 'config.json'), JSON.stringify({version: 1}))
    const configDir = path.join(dir, 'config')
    mkdirSync(configDir)
    symlinkSync(path.join(real, 'config.json'), path.join(configDir, 'config.json'))
    writeConfig(configDir, {network: 'mainnet', version: 1})
    expect(lstatSync(path.join(configDir, 'config.json')).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(path.join(real, 'config.json'), 'utf8')).network).toBe('mainnet')
    expect(readConfig(configDir).network).toBe('mainnet')
  })
})

describe('messages', () => {
  it('quote huge input to 200 characters', () => {
    const error = thrown(() => parseAddress('a'.repeat(5_000_000)))
    expect(error.code).toBe('INVALID_ADDRESS')
    expect(error.message.length).toBeLessThan(320)
  })

  it('mask secrets in RPC URLs', () => {
    expect(maskUrl('https://alice:hunter2@rpc.example.org/v3/0123456789abcdef?key=s3cret')).toBe('https://alice:***@rpc.example.org/…')
    expect(maskUrl('https://mainnet.infura.io/v3/0123456789abcdef')).toBe('https://mainnet.infura.io/…')
    expect(maskUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545')
  })

  it('name the path of a file-system failure', () => {
    const error = toNectarError(Object.assign(new Error('EROFS: read-only file system'), {code: 'EROFS', path: '/ro/config.json', syscall: 'open'}))
    expect(error.code).toBe('FILE_ACCESS')
    expect(error.message).toContain('/ro/config.json')
    expect(error.exitCode).toBe(1)
  })
})

describe('files', () => {
  it('a directory or a missing file is FILE_UNREADABLE, exit 2', () => {
    const dir = tmp()
    for (const file of [dir, path.join(dir, 'missing.txt')]) {
      const error = toNectarError(thrown(() => checkInputFile(file, {label: '--file'})))
      expect(error.code).toBe('FILE_UNREADABLE')
      expect(error.exitCode).toBe(2)
    }
  })

  it('a YAML alias bomb is refused, not expanded', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g']]) lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`)
    const error = thrown(() => parseYamlText(lines.join('\n'), 'bomb.yaml', 'INVALID_JOB_FILE'))
    expect(error.code).toBe('INVALID_JOB_FILE')
  })

  it('plan values beyond any machine are refused with their line', () => {
    const dir = tmp()
    const plan = (resources: string) => {
      const file = path.join(dir, `plan-${Math.random()}.yaml`)
      writeFileSync(file, `duration: 2h\nprice: 1usd/h\nresources:\n${resources}\n`)
      return file
    }
    const huge = thrown(() => loadPlans(plan('  cpu: {cores: 99999999999999999999999}'), 1n))
    expect(huge.code).toBe('INVALID_PLAN')
    expect(huge.message).toContain('line 4')
    const ram = thrown(() => loadPlans(plan('  cpu: {cores: 4}\n  ram: {size: 900TiB}'), 1n))
    expect(ram.code).toBe('INVALID_PLAN')
    expect(ram.message).toContain('line 5')
    expect(loadPlans(plan('  cpu: {cores: 64}\n  ram: {size: 512GiB}'), 1n)).toHaveLength(1)
  })
})

describe('keystores with hostile KDF parameters', () => {
  it('are refused when read, before any key derivation', async () => {
    const good = await encryptKeystore(`0x${'11'.repeat(32)}`, 'pw', {kdfParams: {n: 1024, p: 1, r: 8}})
    expect(parseKeystore(structuredClone(good), 'good.json')).toBeDefined()
    const variants: Array<[string, (k: {crypto: {kdfparams: Record<string, unknown>; kdf: string}}) => void]> = [
      ['p', (k) => (k.crypto.kdfparams.p = 2 ** 30)],
      ['dklen', (k) => (k.crypto.kdfparams.dklen = 2 ** 31)],
      ['n', (k) => (k.crypto.kdfparams.n = 2 ** 40)],
      ['pbkdf2 c', (k) => {
        k.crypto.kdf = 'pbkdf2'
        k.crypto.kdfparams = {c: 2 ** 31, dklen: 32, prf: 'hmac-sha256', salt: k.crypto.kdfparams.salt}
      }],
    ]
    for (const [what, spoil] of variants) {
      const keystore = structuredClone(good) as unknown as {crypto: {kdfparams: Record<string, unknown>; kdf: string}}
      spoil(keystore)
      expect(thrown(() => parseKeystore(keystore, 'hostile.json')).code, what).toBe('INVALID_KEYSTORE')
      expect((await rejected(decryptKeystore(keystore, 'pw'))).code, what).toBe('INVALID_KEYSTORE')
    }
  })
})
