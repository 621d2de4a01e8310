// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title TokenController
/// @notice The hooks a MiniMe token calls on its controller. Ethfinex added `onBurn`.
abstract contract TokenController {
    /// @notice Called when ether is sent to the token contract; returns true to accept it.
    function proxyPayment(address _owner) external payable virtual returns (bool);

    /// @notice Called before a transfer; returns false to refuse it.
    function onTransfer(address _from, address _to, uint256 _amount) external virtual returns (bool);

    /// @notice Called before an approval; returns false to refuse it.
    function onApprove(address _owner, address _spender, uint256 _amount) external virtual returns (bool);

    /// @notice Called by the token's burn function; destroys the tokens and pays the holder.
    function onBurn(address _owner, uint256 _amount) external virtual returns (bool);
}

/// @notice Receiver side of `approveAndCall`.
abstract contract ApproveAndCallFallBack {
    function receiveApproval(address from, uint256 _amount, address _token, bytes memory _data) public virtual;
}
