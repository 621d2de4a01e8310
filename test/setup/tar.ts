// Tar archives built entry by entry, for the archives nectar's own packer would never make (entries
// with .., absolute paths, links leading out, devices).
import * as tar from 'tar-stream'

/** One entry: its tar header fields, and its content for a file. */
export type TarEntry = {content?: string} & tar.Headers

export async function rawTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise((r) => pack.on('end', r))
  for (const {content, ...header} of entries) await new Promise<void>((resolve, reject) => pack.entry(header, content ?? '', (e) => (e ? reject(e) : resolve())))
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}
