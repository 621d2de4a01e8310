// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title Controlled
/// @notice The controller pattern of the MiniMe token: one address (usually a contract) may change
///         the controller and call the controller-only functions of the token.
contract Controlled {
    address public controller;

    modifier onlyController() {
        require(msg.sender == controller, "Controlled: caller is not the controller");
        _;
    }

    constructor() {
        controller = msg.sender;
    }

    /// @notice Hands control of the token to `_newController`.
    function changeController(address _newController) public onlyController {
        controller = _newController;
    }
}
