// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Never deployed: its creation code runs inside one eth_call (no `to`) and makes many read calls at
/// once, like Multicall3's aggregate, on any EVM since byzantium (viem's own deployless multicall uses
/// PUSH0, which a 2018-era chain such as SONM's sidechain does not have). Each target is called with its
/// calldata (STATICCALL); the raw return data of all of them comes back as revert data, abi-encoded as
/// bytes[] (see BalanceReader for why revert data). When one call fails, it reverts with
/// CallFailed(index) instead, and the caller reads that call alone to learn why.
contract CallReader {
    error CallFailed(uint256 index);

    constructor(address[] memory targets, bytes[] memory data) {
        bytes[] memory results = new bytes[](targets.length);
        for (uint256 i = 0; i < targets.length; i++) {
            (bool ok, bytes memory ret) = targets[i].staticcall(data[i]);
            if (!ok) revert CallFailed(i);
            results[i] = ret;
        }
        bytes memory out = abi.encode(results);
        assembly {
            revert(add(out, 32), mload(out))
        }
    }
}
