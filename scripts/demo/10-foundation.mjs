// Demo: the devnet, wallets, balances, supply and a transfer.
export const title = 'NEC on the embedded devnet'

const DEV1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const DEV2 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const DEV3 = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'

export default [
  {argv: ['devnet', 'status'], note: 'A local anvil node with NEC and its controller deployed and seeded.'},
  {argv: ['wallet', 'list'], note: 'On the devnet the well-known dev accounts dev0..dev9 can sign (and only there).'},
  {argv: ['balance', DEV1, DEV2, DEV3], note: 'NEC balances of three whitelisted market makers.'},
  {argv: ['supply'], note: 'Supply, pledged fees, the 30-day window, the v2 issuance rate and the redemption value.'},
  {argv: ['transfer', DEV3, '25', '--account', 'dev2', '--yes'], note: 'A transfer: checked (balance, whitelist), previewed, sent, confirmed.'},
  {argv: ['balance', DEV2, DEV3, '--json'], note: 'Every command speaks JSON: exact integers in wei and decimal strings.'},
  {argv: ['transfer', '0x000000000000000000000000000000000000dEaD', '1', '--account', 'dev2', '--yes'], expectFailure: true, note: 'Refused before sending: the recipient is not on the whitelist.'},
  {argv: ['balance', '0x70997970c51812dc3a010c7d01b50e0d17dc79C8'], expectFailure: true, note: 'A mistyped address: the EIP-55 checksum catches it.'},
]
