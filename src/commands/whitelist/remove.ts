import {type WhitelistAction} from '../../lib/nectar/whitelist-change.js'
import WhitelistAdd from './add.js'

export default class WhitelistRemove extends WhitelistAdd {
  static summary = 'Deregister addresses from the whitelist (admin).'
  static description = `Deregister addresses from the whitelist (admin). Checked, merged, skipped and batched exactly like
\`whitelist add\`: addresses not on the list are skipped, the rest are sent as deregister(address[]) batches under a
journal, so a re-run of the same input after a crash continues and sends nothing twice.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    '<%= config.bin %> <%= command.id %> --file banned.txt --yes --json',
  ]
  static flags = WhitelistAdd.flags
  static strict = false

  protected get action(): WhitelistAction {
    return 'remove'
  }
}
