// Keystore passwords come from --password-file (first line), NECTAR_PASSWORD, or a prompt; never
// from the config file.

import {readInputFile} from '../core/files.js'
import {nectarError} from '../core/errors.js'

export interface PasswordSources {
  askPassword?: (message: string) => Promise<string> // undefined when there is no terminal
  env: NodeJS.ProcessEnv
  passwordFile?: string
}

/** The first line of a password file, without its line ending. */
export function readPasswordFile(file: string): string {
  const text = readInputFile(file, {code: 'PASSWORD_FILE_UNREADABLE', hint: 'Check the path and its permissions.', label: 'the password file', maxBytes: 1 << 20})
  return text.split(/\r?\n/, 1)[0]
}

function passwordRequired() {
  return nectarError('PASSWORD_REQUIRED', 'A keystore password is needed, and there is no terminal to ask for it.', {
    hint: 'Set NECTAR_PASSWORD, or pass --password-file FILE.',
  })
}

/** The password to unlock a keystore: --password-file > NECTAR_PASSWORD > prompt > PASSWORD_REQUIRED. */
export async function readPassword(o: PasswordSources, prompt: string): Promise<string> {
  if (o.passwordFile !== undefined) return readPasswordFile(o.passwordFile)
  if (o.env.NECTAR_PASSWORD !== undefined) return o.env.NECTAR_PASSWORD
  if (o.askPassword) return o.askPassword(prompt)
  throw passwordRequired()
}

/**
 * The password for a new keystore: --password-file > NECTAR_PASSWORD > asked twice at a terminal.
 * An empty password is refused.
 */
export async function newPassword(o: PasswordSources, prompt = 'Password for the new keystore:'): Promise<string> {
  let password: string
  if (o.passwordFile !== undefined) password = readPasswordFile(o.passwordFile)
  else if (o.env.NECTAR_PASSWORD !== undefined) password = o.env.NECTAR_PASSWORD
  else if (o.askPassword) {
    password = await o.askPassword(prompt)
    if (password.length > 0 && (await o.askPassword('Repeat the password:')) !== password) {
      throw nectarError('PASSWORDS_DIFFER', 'The two passwords differ.', {hint: 'Run the command again and type the same password twice.'})
    }
  } else throw passwordRequired()
  if (password.length === 0) {
    throw nectarError('EMPTY_PASSWORD', 'The password is empty; a keystore needs a password.', {hint: 'Give a non-empty password (NECTAR_PASSWORD, --password-file or the prompt).'})
  }
  return password
}
