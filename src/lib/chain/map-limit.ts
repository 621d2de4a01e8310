/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return out
}

/**
 * Cuts `items` into chunks of `size`, runs `fn` over them with at most `limit` at once, and flattens
 * the results back in order; `onProgress` gets each finished chunk's length.
 */
export async function mapChunks<T, R>(items: readonly T[], size: number, limit: number, fn: (chunk: readonly T[]) => Promise<R[]>, onProgress?: (done: number) => void): Promise<R[]> {
  const chunks: Array<readonly T[]> = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  const results = await mapLimit(chunks, limit, async (chunk) => {
    const out = await fn(chunk)
    onProgress?.(chunk.length)
    return out
  })
  return results.flat()
}
