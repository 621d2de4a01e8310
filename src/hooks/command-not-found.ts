// An unknown command, or an extra word after one (oclif reads `supply extra` as the command
// `supply:extra`): one line with the nearest command, the envelope under --json, exit 2. Kept cheap:
// nothing here loads a command, viem or a table renderer.
import {type Hook} from '@oclif/core'

import {reportError} from '../lib/cli/report-error.js'
import {unknownCommandError} from '../lib/cli/suggestions.js'

const hook: Hook.CommandNotFound = async function ({argv, id}) {
  reportError(unknownCommandError(id, this.config.commandIDs, this.config.bin), (argv ?? []).includes('--json'))
}

export default hook
