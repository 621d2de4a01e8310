// The usage errors that name what was probably meant: an unknown command or an unknown flag. Plain data
// in, a NectarError out, so the command-not-found hook can use them without loading oclif's parser or
// any command.
import {type NectarError, nectarError, quote} from '../core/errors.js'
import {closest} from '../core/suggest.js'

/** `compute:offers` as a person types it: `nectar compute offers`. */
const shown = (bin: string, id: string) => `${bin} ${id.replaceAll(':', ' ')}`.trim()

/**
 * An unknown command, or an extra word after a known one (oclif reads `supply extra` as the command
 * `supply:extra`): the nearest command or the command's own help.
 */
export function unknownCommandError(id: string, commandIds: readonly string[], bin: string): NectarError {
  const words = id.split(':')
  const parent = words.map((_, i) => words.slice(0, words.length - 1 - i).join(':')).find((prefix) => prefix && commandIds.includes(prefix))
  if (parent) {
    const extra = id.slice(parent.length + 1).replaceAll(':', ' ')
    return nectarError('USAGE', `Unexpected argument ${quote(extra)} for \`${shown(bin, parent)}\`.`, {hint: `See \`${shown(bin, parent)} --help\`.`})
  }
  // Topics are reachable too (`nectar comptue` → `nectar compute`): every prefix of a command id.
  const candidates = [...new Set(commandIds.flatMap((c) => c.split(':').map((_, i, all) => all.slice(0, i + 1).join(':'))))]
  // The longest run of leading words that is near a command; the words after it are its arguments
  // (`nectar balanc 0x70…` → `nectar balance 0x70…`).
  let guess: string | undefined
  for (let k = words.length; k > 0 && !guess; k--) {
    const near = closest(words.slice(0, k).join(':'), candidates.filter((c) => c.split(':').length === k))
    if (near) guess = [near, ...words.slice(k)].join(':')
  }
  return nectarError('UNKNOWN_COMMAND', `\`${shown(bin, id).slice(0, 200)}\` is not a ${bin} command.`, {
    hint: guess ? `Did you mean \`${shown(bin, guess)}\`? See \`${bin} --help\` for the list.` : `See \`${bin} --help\` for the list.`,
  })
}

/** Flags oclif's parser did not know (`--acount`), each with the nearest flag of the command. */
export function unknownFlagsError(unknown: readonly string[], known: readonly string[], commandId: string, bin: string): NectarError {
  const guesses = unknown.flatMap((flag) => {
    const name = flag.replace(/^--?/, '').split('=')[0]
    const guess = flag.startsWith('--') ? closest(name, known) : undefined
    return guess ? [`\`--${guess}\``] : []
  })
  const help = `See \`${shown(bin, commandId)} --help\` for its flags.`
  return nectarError('USAGE', `Unknown flag${unknown.length === 1 ? '' : 's'}: ${unknown.map((f) => f.slice(0, 60)).join(', ')}.`, {
    hint: guesses.length > 0 ? `Did you mean ${guesses.join(', ')}? ${help}` : help,
  })
}
