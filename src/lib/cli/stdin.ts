/** Everything piped to stdin, as text; at a terminal, `note` is told how to end the input first. */
export async function readStdin(note?: (message: string) => void): Promise<string> {
  if (process.stdin.isTTY) note?.('Paste the private key, then press Enter and Ctrl-D.')
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}
