// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Never deployed: its creation code runs inside one eth_call and makes many read-only calls at once,
/// returning every call's raw return data as revert data (abi.encode(bytes[])). It does what viem's
/// deployless multicall does, but is compiled for byzantium: viem's bytecode uses SHR, which SONM's
/// 2018 sidechain does not have. A call that fails makes the whole read fail with CallFailed (whose
/// selector sets it apart from the results, which start with a zero word).
contract CallReader {
    error CallFailed(uint256 index, bytes data);

    constructor(address[] memory targets, bytes[] memory calls) {
        bytes[] memory results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory result) = targets[i].staticcall(calls[i]);
            if (!ok) revert CallFailed(i, result);
            results[i] = result;
        }
        bytes memory data = abi.encode(results);
        assembly {
            revert(add(data, 32), mload(data))
        }
    }
}
