// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {MiniMeToken} from "./MiniMeToken.sol";
import {TokenController} from "./TokenController.sol";

/// @title NEC: the Ethfinex Nectar Token
/// @notice 1,000,000,000 NEC minted to the vault at construction; burning is off until the controller
///         enables it. `burnAndRetrieve` returns false (does not revert) on an insufficient balance; the
///         controller's `onBurn` destroys the tokens and pays the holder.
contract NEC is MiniMeToken {
    bool public burningEnabled;

    event Burned(address indexed who, uint256 _amount);

    constructor(address _tokenFactory, address efxVaultWallet)
        MiniMeToken(_tokenFactory, payable(address(0)), 0, "Ethfinex Nectar Token", 18, "NEC", true)
    {
        generateTokens(efxVaultWallet, 1000000000 * 10 ** 18);
        enableBurning(false);
    }

    function enableBurning(bool _burningEnabled) public onlyController {
        burningEnabled = _burningEnabled;
    }

    function burnAndRetrieve(uint256 _tokensToBurn) public returns (bool success) {
        require(burningEnabled, "NEC: burning is not enabled");
        if (balanceOf(msg.sender) < _tokensToBurn) {
            return false;
        }
        if (isContract(controller)) {
            require(TokenController(controller).onBurn(msg.sender, _tokensToBurn), "NEC: controller refused the burn");
        }
        emit Burned(msg.sender, _tokensToBurn);
        return true;
    }
}
