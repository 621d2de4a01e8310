// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Blacklist, after SONM's Blacklist.sol (sonm-io/core v0.4.31): per-address lists.
/// @notice Same names, selectors and events as SONM's. Check(who, whom) is true when `who` has
///         blacklisted `whom`. Add is open to the Market (a consumer closing a deal with a blacklist
///         choice) and to masters the owner added; anyone removes from their own list with Remove.
contract Blacklist {
    address public owner;
    address public market;

    mapping(address => mapping(address => bool)) internal blacklisted;
    mapping(address => bool) internal master;

    event AddedToBlacklist(address indexed adder, address indexed addee);
    event RemovedFromBlacklist(address indexed remover, address indexed removee);

    modifier onlyOwner() {
        require(msg.sender == owner, "Blacklist: only the owner");
        _;
    }

    modifier OnlyMarket() {
        require(market != address(0), "Blacklist: no market set");
        require(msg.sender == market || master[msg.sender], "Blacklist: only the market or a master");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    function Check(address _who, address _whom) public view returns (bool) {
        return blacklisted[_who][_whom];
    }

    function Add(address _who, address _whom) external OnlyMarket returns (bool) {
        blacklisted[_who][_whom] = true;
        emit AddedToBlacklist(_who, _whom);
        return true;
    }

    function Remove(address _whom) public returns (bool) {
        require(blacklisted[msg.sender][_whom], "Blacklist: not blacklisted");
        blacklisted[msg.sender][_whom] = false;
        emit RemovedFromBlacklist(msg.sender, _whom);
        return true;
    }

    function AddMaster(address _root) public onlyOwner returns (bool) {
        require(!master[_root], "Blacklist: already a master");
        master[_root] = true;
        return true;
    }

    function RemoveMaster(address _root) public onlyOwner returns (bool) {
        require(master[_root], "Blacklist: not a master");
        master[_root] = false;
        return true;
    }

    function SetMarketAddress(address _market) public onlyOwner returns (bool) {
        market = _market;
        return true;
    }
}
