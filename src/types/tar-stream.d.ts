// The part of tar-stream 2.x that archive.ts uses (the package ships no types).
declare module 'tar-stream' {
  import {type Readable, type Writable} from 'node:stream'

  export interface Headers {
    gid?: number
    gname?: string
    linkname?: string | null
    mode?: number
    mtime?: Date
    name: string
    size?: number
    type?: 'block-device' | 'character-device' | 'contiguous-file' | 'directory' | 'fifo' | 'file' | 'link' | 'symlink' | string
    uid?: number
    uname?: string
  }

  export interface Pack extends Readable {
    entry(header: Headers, callback?: (error?: Error | null) => void): Writable
    entry(header: Headers, buffer: Buffer | string, callback?: (error?: Error | null) => void): Writable
    finalize(): void
  }

  export interface Extract extends Writable {
    on(event: 'entry', listener: (header: Headers, stream: Readable, next: (error?: unknown) => void) => void): this
    on(event: 'finish' | 'close', listener: () => void): this
    on(event: 'error', listener: (error: Error) => void): this
  }

  export function pack(): Pack
  export function extract(): Extract
}
