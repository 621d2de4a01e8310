// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AddressHashMap, after SONM's: the one address a SONM client starts from. Keys are ASCII names
///        right-padded to 32 bytes (marketAddress, blacklistAddress, profileRegistryAddress,
///        oracleUsdAddress, sidechainSNMAddress, ...); read(key) gives the contract's address.
contract AddressHashMap {
    address public owner;
    mapping(bytes32 => address) internal map;

    constructor() {
        owner = msg.sender;
    }

    function write(bytes32 _key, address _value) public {
        require(msg.sender == owner, "AddressHashMap: only the owner");
        map[_key] = _value;
    }

    function read(bytes32 _key) public view returns (address) {
        return map[_key];
    }
}
