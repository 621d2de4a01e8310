// Demo steps for issue 4 (redemption and whitelist administration), for the demo runner to execute in
// order against the devnet: each step is `nectar ...argv`. Two fresh addresses (lower case: no checksum
// needed) are made per run so `whitelist add` always has something to register.
import {randomBytes} from 'node:crypto'

const fresh = () => `0x${randomBytes(20).toString('hex')}`
const [a, b] = [fresh(), fresh()]

export const title = 'Redemption and whitelist administration'

const steps = [
  {title: 'Supply, pledged fees and the ETH paid per NEC', argv: ['supply']},
  {title: 'Preview a redemption of 100 NEC (nothing sent)', argv: ['redeem', '100', '--dry-run', '--account', 'dev1']},
  {title: 'Redeem 100 NEC: the ETH received equals the preview to the wei', argv: ['redeem', '100', '--account', 'dev1', '--yes']},
  {title: 'A redemption larger than the balance is refused before sending', argv: ['redeem', '1000000000', '--account', 'dev1', '--yes'], expectExit: 1},
  {title: 'Whitelist switches, owner, admins and the active account’s roles', argv: ['whitelist', 'status']},
  {title: 'Register two fresh addresses (one batch, journaled)', argv: ['whitelist', 'add', a, b, '--yes']},
  {title: 'Running it again sends nothing', argv: ['whitelist', 'add', a, b, '--yes']},
  {title: 'Raw and effective registration', argv: ['whitelist', 'check', a, b, '0x000000000000000000000000000000000000dead']},
  {title: 'A maker that is not an admin cannot register anyone', argv: ['whitelist', 'add', '0x000000000000000000000000000000000000beef', '--account', 'dev1', '--yes'], expectExit: 1},
  {title: 'The registered addresses, from the controller’s events', argv: ['whitelist', 'list']},
  {title: 'The admins', argv: ['whitelist', 'admins', 'list']},
]


export default steps
