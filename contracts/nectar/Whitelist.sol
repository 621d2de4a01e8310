// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Owned} from "./Owned.sol";

/// @title Whitelist (multi-admin, as in NectarController v2)
/// @notice Registered holders, admins who may (de)register them, and authorised maker-fee sources.
///         The events are additions (mainnet has none) so that clients can list the whitelist.
contract Whitelist is Owned {
    bool public listActive = true;

    mapping(address => bool) public admins;
    mapping(address => bool) public isOnList;
    mapping(address => bool) public isAuthorisedMaker;

    event Registered(address indexed user);
    event Deregistered(address indexed user);
    event AdminAdded(address indexed admin);
    event AdminRemoved(address indexed admin);
    event MakerAuthorised(address indexed maker);
    event MakerDeauthorised(address indexed maker);
    event WhitelistActivated(bool active);

    modifier authorised() {
        require(isAuthorisedMaker[msg.sender], "Whitelist: caller is not an authorised maker");
        _;
    }

    modifier onlyAdmins() {
        require(isAdmin(msg.sender), "Whitelist: caller is not an admin");
        _;
    }

    constructor() {
        admins[msg.sender] = true;
        emit AdminAdded(msg.sender);
    }

    /// @notice Everyone is registered while the list is off.
    function isRegistered(address _user) public view returns (bool) {
        if (!listActive) {
            return true;
        }
        return isOnList[_user];
    }

    function isAdmin(address _admin) public view returns (bool) {
        return admins[_admin];
    }

    function addAdmin(address _newAdmin) public onlyOwner {
        if (!admins[_newAdmin]) {
            admins[_newAdmin] = true;
            emit AdminAdded(_newAdmin);
        }
    }

    function removeAdmin(address _admin) public onlyOwner {
        if (admins[_admin]) {
            admins[_admin] = false;
            emit AdminRemoved(_admin);
        }
    }

    function register(address[] memory newUsers) public onlyAdmins {
        for (uint256 i = 0; i < newUsers.length; i++) {
            address user = newUsers[i];
            if (!isOnList[user]) {
                isOnList[user] = true;
                emit Registered(user);
            }
        }
    }

    function deregister(address[] memory bannedUsers) public onlyAdmins {
        for (uint256 i = 0; i < bannedUsers.length; i++) {
            address user = bannedUsers[i];
            if (isOnList[user]) {
                isOnList[user] = false;
                emit Deregistered(user);
            }
        }
    }

    /// @notice Owner only, and (as on mainnet) the owner must also be an admin: it registers the maker.
    function authoriseMaker(address maker) public onlyOwner {
        if (!isAuthorisedMaker[maker]) {
            isAuthorisedMaker[maker] = true;
            emit MakerAuthorised(maker);
        }
        address[] memory makers = new address[](1);
        makers[0] = maker;
        register(makers);
    }

    /// @notice Does not deregister the maker.
    function deauthoriseMaker(address maker) public onlyOwner {
        if (isAuthorisedMaker[maker]) {
            isAuthorisedMaker[maker] = false;
            emit MakerDeauthorised(maker);
        }
    }

    function activateWhitelist(bool newSetting) public onlyOwner {
        listActive = newSetting;
        emit WhitelistActivated(newSetting);
    }

    /// @notice The raw list entry, ignoring `listActive`.
    function getRegistrationStatus(address _user) external view returns (bool) {
        return isOnList[_user];
    }

    function getAuthorisationStatus(address _maker) external view returns (bool) {
        return isAuthorisedMaker[_maker];
    }

    function getOwner() external view returns (address) {
        return owner;
    }
}
