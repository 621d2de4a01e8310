// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IRegistrationStatus {
    function getRegistrationStatus(address user) external view returns (bool);
}

/// Never deployed: its creation code runs inside one eth_call (no `to`) and returns the raw whitelist
/// entry (`getRegistrationStatus`, which mainnet controller v2 has) of many addresses at once, one
/// byte per address (1 = on the list), as revert data (see BalanceReader for why revert data).
contract RegistrationReader {
    constructor(IRegistrationStatus list, address[] memory users) {
        bytes memory out = new bytes(users.length);
        for (uint256 i = 0; i < users.length; i++) {
            if (list.getRegistrationStatus(users[i])) out[i] = 0x01;
        }
        assembly {
            revert(add(out, 32), mload(out))
        }
    }
}
