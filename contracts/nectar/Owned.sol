// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title Owned
/// @notice Single owner, changed in one step (as on mainnet: no accept step).
contract Owned {
    address public owner;

    modifier onlyOwner() {
        require(msg.sender == owner, "Owned: caller is not the owner");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    /// @notice Makes `_newOwner` the owner. Admins are not changed.
    function changeOwner(address _newOwner) public onlyOwner {
        owner = _newOwner;
    }
}
