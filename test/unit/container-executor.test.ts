// The container executor's pure parts: the image allow-list, the engine address, the frame parser.
import {describe, expect, it} from 'vitest'

import {FrameParser, imageAllowed, imageNames, resolveEngine} from '../../src/lib/provider/container-executor.js'

const frame = (type: number, text: string) => {
  const body = Buffer.from(text)
  const head = Buffer.alloc(8)
  head[0] = type
  head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}

describe('image allow-list', () => {
  it('matches globs against the image as written, with :latest, and fully qualified', () => {
    expect(imageNames('busybox')).toEqual(['busybox', 'busybox:latest', 'docker.io/library/busybox:latest'])
    expect(imageAllowed('local/busybox', ['local/*'])).toBe(true)
    expect(imageAllowed('busybox:1.36', ['docker.io/library/busybox:*'])).toBe(true)
    expect(imageAllowed('busybox', ['docker.io/library/busybox:*'])).toBe(true)
    expect(imageAllowed('docker.io/library/alpine:3', ['local/*', 'docker.io/library/busybox:*'])).toBe(false)
    expect(imageAllowed('evil.example/local/x', ['local/*'])).toBe(false)
    expect(imageAllowed('local/busybox', [])).toBe(false)
    expect(imageAllowed('ghcr.io/acme/job:v1', ['ghcr.io/acme/*'])).toBe(true)
  })
})

describe('engine address', () => {
  it('takes the flag, then DOCKER_HOST, then a default socket', () => {
    expect(resolveEngine('/x.sock', {DOCKER_HOST: 'unix:///y.sock'})).toMatchObject({from: '--engine-socket', socketPath: '/x.sock'})
    expect(resolveEngine(undefined, {DOCKER_HOST: 'unix:///y.sock'})).toMatchObject({from: 'DOCKER_HOST', socketPath: '/y.sock', url: 'unix:///y.sock'})
    expect(resolveEngine(undefined, {DOCKER_HOST: 'tcp://10.0.0.2:2376'})).toMatchObject({host: '10.0.0.2', port: 2376, protocol: 'http'})
    expect(resolveEngine(undefined, {}).from).toBe('default')
  })
})

describe('multiplexed frames', () => {
  it('splits stdout and stderr frames however the bytes are chunked', () => {
    const all = Buffer.concat([frame(1, 'a\nb'), frame(2, 'E1\n'), frame(1, 'c\n'), frame(2, 'partial')])
    for (const size of [1, 3, 7, 8, 9, all.length]) {
      const got: string[] = []
      const parser = new FrameParser((stream, bytes) => got.push(`${stream}:${bytes}`))
      for (let i = 0; i < all.length; i += size) parser.push(all.subarray(i, i + size))
      const joined: Record<string, string> = {stderr: '', stdout: ''}
      for (const g of got) joined[g.slice(0, 6)] += g.slice(7)
      expect(joined).toEqual({stderr: 'E1\npartial', stdout: 'a\nbc\n'})
    }
  })
})
