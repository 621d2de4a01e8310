// archive.ts on its own: packing is deterministic (the renter hashes in one pass and sends in a
// second), and unpacking refuses every way out of the directory, writing nothing outside it: each
// malicious archive is unpacked into box/work and box must hold nothing else afterwards.
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hashStream, packTar, UnsafeArchiveError, unpackTar} from '../../src/lib/provider/archive.js'
import {rawTar, type TarEntry} from '../setup/tar.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-archive-'))
})
afterAll(() => rmSync(dir, {force: true, recursive: true}))

describe('archive', () => {
  it('packs the same files to the same bytes twice, and unpacks them byte-exact with their modes and links', async () => {
    const src = path.join(dir, 'src')
    mkdirSync(path.join(src, 'd/e'), {recursive: true})
    writeFileSync(path.join(src, 'd/e/run.sh'), '#!/bin/sh\necho hi\n', {mode: 0o755})
    writeFileSync(path.join(src, 'a.txt'), Buffer.alloc(300_000, 7))
    symlinkSync('../a.txt', path.join(src, 'd/link'))
    const roots = [{abs: path.join(src, 'd'), name: 'd'}, {abs: path.join(src, 'a.txt'), name: 'a.txt'}]
    const one = await hashStream(packTar(roots))
    expect(await hashStream(packTar(roots))).toEqual(one)
    const out = path.join(dir, 'out')
    expect(await unpackTar(packTar(roots), out)).toEqual({bytes: 300_000 + 18, files: 2})
    expect(createHash('sha256').update(readFileSync(path.join(out, 'a.txt'))).digest('hex')).toBe(createHash('sha256').update(Buffer.alloc(300_000, 7)).digest('hex'))
    expect(readFileSync(path.join(out, 'd/link'), 'utf8')).toHaveLength(300_000)
    expect(existsSync(path.join(out, 'd/e/run.sh'))).toBe(true)
  })

  it('refuses to pack a symlink that leads out of what is packed', async () => {
    const src = path.join(dir, 'leaky')
    mkdirSync(src)
    symlinkSync('/etc/passwd', path.join(src, 'pw'))
    await expect(hashStream(packTar([{abs: src, name: 'leaky'}]))).rejects.toBeInstanceOf(UnsafeArchiveError)
  })

  it.each([
    ['..', [{content: 'x', name: '../escaped.txt'}]],
    ['nested ..', [{content: 'x', name: 'a/../../escaped.txt'}]],
    ['absolute', [{content: 'x', name: `${os.tmpdir()}/nectar-escaped-absolute.txt`}]],
    ['symlink outside', [{linkname: '../', name: 'up', type: 'symlink'}, {content: 'x', name: 'up/escaped.txt'}]],
    ['absolute symlink', [{linkname: '/etc', name: 'etc', type: 'symlink'}]],
    ['hard link outside', [{linkname: '../escaped.txt', name: 'hard', type: 'link'}]],
    ['symlink chain, then a write through it', [{linkname: '.', name: 'loop', type: 'symlink'}, {linkname: 'loop/..', name: 'up', type: 'symlink'}, {content: 'x', name: 'up/escaped.txt'}]],
    ['symlink chain left dangling out', [{linkname: '.', name: 'loop', type: 'symlink'}, {linkname: 'loop/..', name: 'up', type: 'symlink'}]],
    ['device', [{name: 'dev', type: 'block-device'}]],
    ['fifo', [{name: 'pipe', type: 'fifo'}]],
  ] as Array<[string, TarEntry[]]>)('refuses %s and writes nothing outside', async (what, entries) => {
    const box = path.join(dir, `box-${what.replaceAll(/\W/g, '_')}`)
    mkdirSync(box)
    const error = await unpackTar(Readable.from([await rawTar([{content: 'ok', name: 'ok.txt'}, ...entries])]), path.join(box, 'work')).catch((e) => e)
    expect(error).toBeInstanceOf(UnsafeArchiveError)
    expect(readdirSync(box)).toEqual(['work'])
    expect(existsSync(path.join(dir, 'escaped.txt'))).toBe(false)
    expect(existsSync(path.join(os.tmpdir(), 'nectar-escaped-absolute.txt'))).toBe(false)
  })
})
