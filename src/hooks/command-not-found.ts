// An unknown command, or an extra word after one (oclif reads `supply extra` as the command
// `supply:extra`): one line with the nearest command, the envelope under --json, exit 2.
import {type Hook} from '@oclif/core'

import {nectarError} from '../lib/core/errors.js'
import {closest} from '../lib/core/suggest.js'
import {reportError} from '../lib/cli/report-error.js'

const hook: Hook.CommandNotFound = async function ({argv, id}) {
  const json = (argv ?? []).includes('--json')
  const ids = this.config.commandIDs
  const words = id.split(':')
  const shown = (cmd: string) => `${this.config.bin} ${cmd.replaceAll(':', ' ')}`
  let error
  const parent = words.map((_, i) => words.slice(0, words.length - 1 - i).join(':')).find((prefix) => prefix && ids.includes(prefix))
  if (parent) {
    const extra = id.slice(parent.length + 1).replaceAll(':', ' ')
    error = nectarError('USAGE', `Unexpected argument ${JSON.stringify(extra.slice(0, 200))} for \`${shown(parent)}\`.`, {hint: `See \`${shown(parent)} --help\`.`})
  } else {
    const guess = closest(id, ids)
    error = nectarError('UNKNOWN_COMMAND', `\`${shown(id).slice(0, 200)}\` is not a ${this.config.bin} command.`, {
      hint: guess ? `Did you mean \`${shown(guess)}\`? See \`${this.config.bin} --help\` for the list.` : `See \`${this.config.bin} --help\` for the list.`,
    })
  }
  reportError(error, json)
}

export default hook
