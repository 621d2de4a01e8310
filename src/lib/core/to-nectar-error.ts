import {NectarError, nectarError, quote} from './errors.js'

interface ErrorLike {
  cause?: unknown
  code?: number | string
  data?: unknown
  details?: string
  message?: string
  name?: string
  oclif?: {exit?: number}
  reason?: string
  shortMessage?: string
}

function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = []
  let current: unknown = error
  while (current && typeof current === 'object' && out.length < 20) {
    out.push(current as ErrorLike)
    current = (current as ErrorLike).cause
  }
  return out
}

// oclif rewrites the message of an error thrown by a flag's parser to "Parsing --x \n\t<message>\nSee more help with --help".
const FLAG_PARSE = /^Parsing --\S+ ?\n\t([\s\S]*?)\nSee more help with --help$/

function unwrapFlagParse(error: NectarError): NectarError {
  const inner = FLAG_PARSE.exec(error.message)?.[1]
  return inner === undefined ? error : new NectarError(error.code, inner, {cause: error.cause, details: error.details, hint: error.hint})
}

const FS_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a part of the path is not a directory',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'])

/**
 * Turns anything thrown (oclif parse errors, viem errors, Node system errors) into a NectarError,
 * so every failure reaches the user as one line, a hint and the right exit code.
 */
export function toNectarError(error: unknown): NectarError {
  const links = chain(error)
  for (const link of links) if (link instanceof NectarError) return unwrapFlagParse(link)

  const first = links[0] ?? {}
  if (first.name === 'ExitPromptError' || first.name === 'AbortPromptError') {
    // Whether something was sent before this prompt, only the command knows (BaseCommand.catch says it).
    return nectarError('INTERRUPTED', 'Cancelled at the prompt.')
  }

  // oclif's own parse errors (unknown flag, missing arg, bad option value) are usage errors.
  if (first.oclif && typeof first.oclif.exit === 'number') {
    const message = (first.message ?? 'Invalid usage').split('\n').find((l) => l.trim()) ?? 'Invalid usage'
    return nectarError('USAGE', message.replace(/^Error: /, '').trim(), {
      cause: error,
      details: (first.message ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => l && l !== 'See more help with --help'),
      hint: 'See --help for the accepted arguments and flags.',
    })
  }

  const revert = links.find((l) => l.name === 'ContractFunctionRevertedError')
  if (revert) {
    const reason = revert.reason ?? (revert.data as {errorName?: string} | undefined)?.errorName
    return nectarError('REVERTED', reason ? `The contract reverted: ${reason}` : 'The contract reverted without a reason.', {
      cause: error,
      hint: 'Nothing was sent. Check the preconditions with the read-only views (e.g. `nectar supply`, `nectar compute deal ID`).',
    })
  }

  const system = links.find((l) => typeof l.code === 'string' && networkCodes.has(l.code as string))
  if (system) {
    return nectarError('RPC_UNREACHABLE', `The RPC endpoint did not answer (${system.code}).`, {
      cause: error,
      hint: 'Start the devnet with `nectar devnet up`, or pass a working --rpc-url.',
    })
  }

  const fsError = links.find((l) => typeof l.code === 'string' && FS_CODES[l.code] && typeof (l as {path?: unknown}).path === 'string')
  if (fsError) {
    const {path, syscall} = fsError as {path: string; syscall?: string}
    const verb = syscall && /open|write|mkdir|rename|unlink|rm|copy|chmod|symlink/.test(syscall) ? 'write or create' : 'read'
    return nectarError('FILE_ACCESS', `Cannot ${verb} ${quote(path)}: ${FS_CODES[fsError.code as string]}.`, {
      cause: error,
      hint: 'Check the permissions and free space of that directory; NECTAR_CONFIG_DIR and NECTAR_DATA_DIR move the config and data dirs.',
    })
  }

  const viem = links.find((l) => typeof l.shortMessage === 'string')
  if (viem) {
    return nectarError('CHAIN_ERROR', viem.shortMessage!.split('\n')[0], {
      cause: error,
      details: viem.details ? [viem.details] : [],
      hint: 'Run again with --debug for the full error.',
    })
  }

  const message = first.message?.split('\n')[0] || String(error)
  return nectarError('UNEXPECTED', message, {cause: error, hint: 'Run again with --debug for the full error.'})
}
